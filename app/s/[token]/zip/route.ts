import { withRecipientLink } from "@/lib/recipient/handler";
import { serveZip } from "@/lib/recipient/zip";

/** "Download all" of a multi-file share: one ZIP streamed through this server, counted as one download. */
export const GET = withRecipientLink((context) => serveZip(context));
export const HEAD = GET;
