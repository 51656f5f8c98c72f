import { abortRequestUploadRoute, withUploadRequest } from "@/lib/upload-requests/routes";

/** Cancels one upload: nothing is left at the storage, and its slot is given back. */
export const DELETE = withUploadRequest(
  { name: "upload_request.abort", failure: "The upload could not be cancelled. Try again.", format: "xml" },
  abortRequestUploadRoute,
);
