"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { canReplaceObject } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { type BeginResult, beginUpload } from "@/lib/uploads/begin";
import { keyForPath, UnusableNameError } from "@/lib/uploads/keys";
import { requireUploadRight } from "@/lib/uploads/session";
import { beginUploadSchema } from "@/lib/validation/uploads";

/** "Upload" (and a drop on the listing): one file's upload begins; the server chooses its key. */
export const beginUploadAction = signedInAction<typeof beginUploadSchema, BeginResult>("beginUpload", beginUploadSchema, async (input, user) => {
  let key: string;
  try {
    key = keyForPath(input.prefix, input.path);
  } catch (error) {
    if (error instanceof UnusableNameError) throw new AppError("invalid", error.message, { fieldErrors: { path: [error.message] } });
    throw error;
  }
  const open = await openConnectionOrThrow(user, input.connectionId);
  requireUploadRight(user, input.connectionId, input.bucket, key);
  const data = await beginUpload(open.clients.s3, {
    ownerId: user.teamId,
    uploadedById: user.id,
    connectionId: input.connectionId,
    bucket: input.bucket,
    key,
    size: input.size,
    type: input.type,
    // Who may not see the folder's files neither replaces one nor learns of it: a clash is kept beside it.
    onExisting: canReplaceObject(user, input.connectionId, input.bucket, key) ? input.onExisting : "keep-both",
  });
  return { data };
});
