import { createRequestUploadRoute, withUploadRequest } from "@/lib/upload-requests/routes";

/** The multipart upload the server created when the file began (Uppy asks for it, in S3's XML). */
export const POST = withUploadRequest(
  { name: "upload_request.create", failure: "The upload could not be found. Try again.", format: "xml" },
  createRequestUploadRoute,
);
