import { withRecipientLink } from "@/lib/recipient/handler";
import { DOWNLOAD_ALL } from "@/lib/recipient/policies";
import { serveZip } from "@/lib/recipient/zip";

/** "Download all" of a multi-file share: one ZIP streamed through this server, counted as one download. */
export const GET = withRecipientLink(DOWNLOAD_ALL, serveZip);
export const HEAD = GET;
export const POST = GET;
