import { signRequestUploadRoute, withUploadRequest } from "@/lib/upload-requests/routes";

/** Uppy's signRequest for one upload of this request (its secret in x-upload-secret). */
export const POST = withUploadRequest(
  { name: "upload_request.sign", failure: "The upload could not be signed. Try again.", idInBody: true },
  signRequestUploadRoute,
);
