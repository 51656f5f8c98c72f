import { withSession } from "@/lib/http/with-session";
import { completeUploadRoute, uploadIdParams } from "@/lib/uploads/session";

export const dynamic = "force-dynamic";

/** Completes the upload after the server's own checks of its parts and size. */
export const POST = withSession(
  {
    name: "uploads.complete",
    params: uploadIdParams,
    notFound: "This upload is not yours, or it no longer exists.",
    failure: "The upload could not be completed. Try again.",
  },
  completeUploadRoute,
);
