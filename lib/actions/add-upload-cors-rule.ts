"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { recordAuditAfter } from "@/lib/audit/record";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { CONNECTIONS_MANAGE_MESSAGE, openConnectionOrThrow } from "@/lib/storage/connections";
import { addUploadCorsRule } from "@/lib/uploads/cors";
import { publicOrigin } from "@/lib/uploads/session";
import { uploadCorsSchema } from "@/lib/validation/uploads";

/** "Add CORS rule": lets browsers at the app's public origin upload to the bucket (existing rules are kept). */
export const addUploadCorsRuleAction = signedInAction("addUploadCorsRule", uploadCorsSchema, async (input, user) => {
  if (!can(user, "connections.manage")) throw new AppError("forbidden", CONNECTIONS_MANAGE_MESSAGE);
  const open = await openConnectionOrThrow(user, input.connectionId);
  const origin = publicOrigin();
  if (!origin) throw new AppError("invalid", "Set PUBLIC_URL (the address people reach Bucketshare at) first: the rule must name it. Nothing was changed.");
  await addUploadCorsRule(open, input.bucket, origin);
  await recordAuditAfter({
    actor: { id: user.id },
    kind: "connection.changed",
    subject: open.connection.name,
    subjectId: open.connection.id,
    details: { bucket: input.bucket, change: "upload CORS rule added", origin },
  });
  return { message: "CORS rule added: browsers can now upload to this bucket." };
});
