"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { type IssuedUploadRequest, issueUploadRequest } from "@/lib/upload-requests/issue";
import { createUploadRequestSchema, toUploadRequestRequest } from "@/lib/validation/upload-requests";

/** "Request files" → Create request: an upload link `<PUBLIC_URL>/u/<token>` whose files land in the folder. */
export const createUploadRequestAction = signedInAction<typeof createUploadRequestSchema, IssuedUploadRequest>(
  "createUploadRequest",
  createUploadRequestSchema,
  async (input, user) => ({ data: await issueUploadRequest(user, toUploadRequestRequest(input)) }),
);
