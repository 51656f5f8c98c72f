"use server";

import { hashPassword, isPasswordBusy, verifyPassword } from "@/lib/auth/password";
import { BUSY_MESSAGE, guardedAttempt } from "@/lib/auth/rate-limit";
import { getCurrentSessionId } from "@/lib/auth/session";
import { sessionIdHash } from "@/lib/auth/session-store";
import { signedInAction } from "@/lib/actions/safe-action";
import { recordAuditAfter } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { getClientAddress } from "@/lib/security/client-address";
import { changePasswordSchema } from "@/lib/validation/auth";

const PASSWORD_CHANGED_MESSAGE = "Password changed. Every other session was signed out.";

function refuse(field: string, message: string): never {
  throw new AppError("invalid", message, { fieldErrors: { [field]: [message] } });
}

/**
 * Changes the owner's password. The current password is checked under the same guessing limits as
 * sign-in (a stolen session alone cannot set a new password); success ends every other session and
 * keeps this one.
 */
export const changePasswordAction = signedInAction("changePassword", changePasswordSchema, async (input, user) => {
  const address = await getClientAddress();
  const check = await guardedAttempt({ scope: "current-password", subject: user.id, address }, async () => {
    const row = await db.user.findUnique({ where: { id: user.id }, select: { passwordHash: true } });
    return row ? verifyPassword(input.currentPassword, row.passwordHash) : false;
  });
  if (!check.ok) {
    log.warn("auth.change_password.refused", { userId: user.id, limited: check.limited, clientAddress: address });
    refuse("currentPassword", check.limited ? (check.message ?? "Too many failed attempts. Try again later.") : "Wrong current password.");
  }

  let passwordHash: string;
  try {
    passwordHash = await hashPassword(input.newPassword);
  } catch (error) {
    if (isPasswordBusy(error)) throw new AppError("unavailable", BUSY_MESSAGE);
    throw error;
  }
  const current = await getCurrentSessionId();
  const [, ended] = await db.$transaction([
    db.user.update({ where: { id: user.id }, data: { passwordHash } }),
    db.session.deleteMany({ where: { userId: user.id, ...(current ? { idHash: { not: sessionIdHash(current) } } : {}) } }),
  ]);
  await recordAuditAfter({ actor: user, kind: "settings.changed", subject: "Password", details: { setting: "password", otherSessionsEnded: ended.count } });
  log.info("auth.change_password.changed", { userId: user.id, otherSessionsEnded: ended.count });
  return { message: PASSWORD_CHANGED_MESSAGE, revalidate: ["/settings/account"] };
});
