import { beginRequestUploadRoute, withUploadRequest } from "@/lib/upload-requests/routes";

/** One file: its slot reserved, its key chosen by the server, its multipart upload created; answers the upload's id and secret. */
export const POST = withUploadRequest({ name: "upload_request.begin", failure: "The upload could not start. Try again." }, beginRequestUploadRoute);
