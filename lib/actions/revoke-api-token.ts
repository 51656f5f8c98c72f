"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { revokeApiToken } from "@/lib/api/token-store";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { revokeApiTokenSchema } from "@/lib/validation/api-token";
import { recordAuditAfter } from "@/lib/audit/record";

/** Settings → "API tokens" → "Revoke token": requests with it are refused from then on. */
export const revokeApiTokenAction = signedInAction("revokeApiToken", revokeApiTokenSchema, async ({ id }, user) => {
  const result = await revokeApiToken(user.id, id);
  if (result.status === "not_found") throw new AppError("not_found", "That token no longer exists. Reload the page to see your tokens.");
  if (result.status === "revoked") {
    await recordAuditAfter({ actor: user, kind: "token.revoked", subject: result.name, subjectId: id });
    log.info("api_token.revoked", { userId: user.id, tokenId: id });
  }
  return {
    message:
      result.status === "revoked" ? `Token “${result.name}” revoked: requests with it are refused from now on.` : `Token “${result.name}” was already revoked.`,
    revalidate: ["/settings/api-tokens"],
  };
});
