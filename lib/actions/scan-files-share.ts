"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { assertMayShareSource, snapshotPage } from "@/lib/links/issue-files";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { scanFilesSchema } from "@/lib/validation/share-files";

export type ScanStep = { count: number; bytes: number; next: string | null };

/**
 * Multi-file dialog → the snapshot preview, one step per call (1,000 listed objects or 100 checked
 * keys), so the dialog can show progress and stop at the limit. Only counts leave the server.
 */
export const scanFilesShareAction = signedInAction<typeof scanFilesSchema, ScanStep>("scanFilesShare", scanFilesSchema, async (input, user) => {
  if (input.mode === "keys" && input.keys.length === 0) throw new AppError("invalid", "Nothing is selected: tick the files to share first.");
  const open = await openConnectionOrThrow(user, input.connectionId);
  assertMayShareSource(user, open.connection.id, input);
  const page = await snapshotPage(open, input, input.cursor);
  return { data: { count: page.files.length, bytes: page.files.reduce((sum, f) => sum + f.size, 0), next: page.next } };
});
