import { withSession } from "@/lib/http/with-session";
import { manifestQuerySchema } from "@/lib/links/manifest-format";
import { exportManifest } from "@/lib/links/manifest-route";
import { linkIdSchema } from "@/lib/validation/share";

export const dynamic = "force-dynamic";

/** "Export manifest" of a multi-file share: one presigned URL per file. */
export const GET = withSession(
  {
    name: "links.manifest",
    params: linkIdSchema,
    query: manifestQuerySchema,
    notFound: "This share is not in your history.",
    failure: "The manifest could not be made. Try again.",
  },
  exportManifest,
);
