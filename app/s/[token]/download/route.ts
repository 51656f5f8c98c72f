import { serveDownload } from "@/lib/recipient/download";
import { withRecipientLink } from "@/lib/recipient/handler";

/** The only request that counts a download: 302 to a presigned URL that lives 60 s. HEAD never redirects or counts. */
export const GET = withRecipientLink(serveDownload);
export const HEAD = GET;
