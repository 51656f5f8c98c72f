"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { issueFilesShare } from "@/lib/links/issue-files";
import type { IssuedLink } from "@/lib/links/issue";
import { createFilesShareSchema, toFilesShareRequest } from "@/lib/validation/share-files";

export type IssuedFilesShare = IssuedLink & { fileCount: number; totalBytes: number; title: string };

/** "Share selected" / "Share folder" → Generate link: a managed link to a snapshot of the files. */
export const createFilesShareAction = signedInAction<typeof createFilesShareSchema, IssuedFilesShare>(
  "createFilesShare",
  createFilesShareSchema,
  async (input, user) => {
    return { data: await issueFilesShare(user, toFilesShareRequest(input)) };
  },
);
