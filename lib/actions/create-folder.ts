"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { folderHref } from "@/lib/paths";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { createFolder } from "@/lib/uploads/folders";
import { folderKey, UnusableNameError } from "@/lib/uploads/keys";
import { requireUploadRight } from "@/lib/uploads/session";
import { createFolderSchema } from "@/lib/validation/uploads";

/** "New folder": an empty folder (a zero-byte "name/" marker) in the current folder. */
export const createFolderAction = signedInAction<typeof createFolderSchema, { key: string }>("createFolder", createFolderSchema, async (input, user) => {
  let key: string;
  try {
    key = folderKey(input.prefix, input.name);
  } catch (error) {
    if (error instanceof UnusableNameError) throw new AppError("invalid", error.message, { fieldErrors: { name: [error.message] } });
    throw error;
  }
  const open = await openConnectionOrThrow(user, input.connectionId);
  requireUploadRight(user, input.connectionId, input.bucket, key);
  await createFolder(open.clients.s3, { actorId: user.id, connectionId: input.connectionId, bucket: input.bucket, key });
  return { data: { key }, message: "Folder created.", revalidate: [folderHref(input.connectionId, input.bucket, input.prefix)] };
});
