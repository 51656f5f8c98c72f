import { completeRequestUploadRoute, withUploadRequest } from "@/lib/upload-requests/routes";

/** Completes one upload after the server's own checks (the browser's body is ignored). */
export const POST = withUploadRequest(
  { name: "upload_request.complete", failure: "The upload could not be completed. Try again.", format: "xml" },
  completeRequestUploadRoute,
);
