"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { recordAuditAfter } from "@/lib/audit/record";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { CONNECTIONS_MANAGE_MESSAGE, openConnectionOrThrow } from "@/lib/storage/connections";
import { ABORT_AFTER_DAYS, addAbortUploadsRule, LIFECYCLE_RULE_ID } from "@/lib/uploads/lifecycle";
import { lifecycleRuleSchema } from "@/lib/validation/lifecycle";

/** "Add lifecycle rule" (Settings → Connections): the storage aborts incomplete uploads of the bucket; its other rules are kept. */
export const addLifecycleRuleAction = signedInAction("addLifecycleRule", lifecycleRuleSchema, async (input, user) => {
  if (!can(user, "connections.manage")) throw new AppError("forbidden", CONNECTIONS_MANAGE_MESSAGE);
  const open = await openConnectionOrThrow(user, input.connectionId);
  const outcome = await addAbortUploadsRule(open, input.bucket);
  if (outcome === "already") return { message: `${input.bucket} already has a rule that aborts incomplete uploads. Nothing was changed.` };
  await recordAuditAfter({
    actor: { id: user.id },
    kind: "connection.changed",
    subject: open.connection.name,
    subjectId: open.connection.id,
    details: { bucket: input.bucket, change: "lifecycle rule added", rule: LIFECYCLE_RULE_ID, days: ABORT_AFTER_DAYS },
  });
  return {
    message: `Lifecycle rule added: ${input.bucket} aborts uploads left incomplete for ${ABORT_AFTER_DAYS} days.`,
    revalidate: ["/settings/connections"],
  };
});
