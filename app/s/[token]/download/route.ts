import { serveDownload } from "@/lib/recipient/download";
import { withRecipientLink } from "@/lib/recipient/handler";
import { DOWNLOAD } from "@/lib/recipient/policies";

/**
 * The request that counts a download: 302 to a presigned URL that lives 60 s. HEAD never redirects
 * or counts; on a link with a download limit only the Download button's POST counts.
 */
export const GET = withRecipientLink(DOWNLOAD, serveDownload);
export const HEAD = GET;
export const POST = GET;
