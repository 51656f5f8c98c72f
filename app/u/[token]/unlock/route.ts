import { unlockRequestRoute, withUploadRequest } from "@/lib/upload-requests/routes";

/** The upload page's password form ("Unlock"): the managed links' guessing limits and lock-out, then the unlock cookie. */
export const POST = withUploadRequest(
  { name: "upload_request.unlock", failure: "The password could not be checked. Try again.", locked: "handler" },
  unlockRequestRoute,
);
