import { withSession } from "@/lib/http/with-session";
import { createUploadRoute, uploadIdParams } from "@/lib/uploads/session";

export const dynamic = "force-dynamic";

/** The multipart upload the server created when the upload began. */
export const POST = withSession(
  {
    name: "uploads.create",
    params: uploadIdParams,
    notFound: "This upload is not yours, or it no longer exists.",
    failure: "The upload could not be started. Try again.",
  },
  createUploadRoute,
);
