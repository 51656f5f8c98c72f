import { listPartsRequestUploadRoute, withUploadRequest } from "@/lib/upload-requests/routes";

/** ListParts of one upload (Uppy resuming after a reload), answered by the server: part numbers, ETags and sizes only. */
export const GET = withUploadRequest(
  { name: "upload_request.parts", failure: "The parts already sent could not be listed. Try again.", format: "xml" },
  listPartsRequestUploadRoute,
);
