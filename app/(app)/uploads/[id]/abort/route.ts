import { withSession } from "@/lib/http/with-session";
import { abortUploadRoute, uploadIdParams } from "@/lib/uploads/session";

export const dynamic = "force-dynamic";

/** Cancels the upload at the storage. */
export const DELETE = withSession(
  {
    name: "uploads.abort",
    params: uploadIdParams,
    notFound: "This upload is not yours, or it no longer exists.",
    failure: "The upload could not be cancelled. Try again.",
  },
  abortUploadRoute,
);
