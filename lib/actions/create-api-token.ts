"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { createApiToken } from "@/lib/api/token-store";
import { log } from "@/lib/log";
import { createApiTokenSchema } from "@/lib/validation/api-token";
import { recordAuditAfter } from "@/lib/audit/record";

export type CreatedApiTokenData = { id: string; name: string; token: string };

/**
 * Settings → "API tokens" → "Create token". The answer carries the token itself: the only time it
 * leaves the server (only its SHA-256 is stored).
 */
export const createApiTokenAction = signedInAction<typeof createApiTokenSchema, CreatedApiTokenData>(
  "createApiToken",
  createApiTokenSchema,
  async (input, user) => {
    const { token, row } = await createApiToken(user.id, input);
    await recordAuditAfter({ actor: user, kind: "token.created", subject: row.name, subjectId: row.id, details: { scopes: row.scopes } });
    log.info("api_token.created", { userId: user.id, tokenId: row.id, scopes: row.scopes, expiresAt: row.expiresAt });
    return {
      message: `Token “${row.name}” created. Copy it now: it is shown only this once.`,
      data: { id: row.id, name: row.name, token },
      revalidate: ["/settings/api-tokens"],
    };
  },
);
