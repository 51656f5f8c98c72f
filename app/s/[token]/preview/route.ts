import { servePreview } from "@/lib/recipient/download";
import { withRecipientLink } from "@/lib/recipient/handler";
import { PREVIEW } from "@/lib/recipient/policies";

/** The page's inline preview: 302 to a 60-second presigned URL with a forced passive type. Logged, never counted; HEAD gets no Location. */
export const GET = withRecipientLink(PREVIEW, servePreview);
export const HEAD = GET;
