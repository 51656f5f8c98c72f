import { servePreview } from "@/lib/recipient/download";
import { withRecipientLink } from "@/lib/recipient/handler";

/** The page's inline preview: 302 to a 60-second presigned URL with a forced passive type. Never counted. */
export const GET = withRecipientLink(servePreview);
export const HEAD = GET;
