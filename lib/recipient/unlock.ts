import "server-only";
import { verifyPassword } from "@/lib/auth/password";
import { retryMinutes } from "@/lib/auth/limits";
import { guardedAttempt } from "@/lib/auth/rate-limit";
import { getRuntimeSecrets } from "@/lib/env";
import type { RecipientContext } from "@/lib/recipient/handler";
import { type PasswordError, passwordResponse } from "@/lib/recipient/pages";
import { plainPage, redirectResponse } from "@/lib/recipient/respond";
import { isKnownLinkBrowser, linkKnownBrowserCookieHeader, signLinkKnownBrowser } from "@/lib/recipient/link-known-browser";
import { lockoutStartedByFailure } from "@/lib/recipient/password-lockout";
import { signUnlock, unlockCookieHeader } from "@/lib/recipient/unlock-cookie";

/**
 * POST /s/<token>/unlock (the password form; no script needed), once withRecipientLink found the
 * link usable (policy UNLOCK: preview agents and the link's own checks come first). An empty field is answered with a
 * message and counts nothing; a guess runs under the guessing limits of lib/auth/rate-limit.ts
 * (scope "link-password", per link and address). A right password sets the unlock cookie for this
 * link only and sends the browser back to the page (303).
 */

const MAX_PASSWORD_LENGTH = 1_024;
/** The form is one password field: a body larger than this (or of undeclared length) is refused unread. */
export const MAX_UNLOCK_BODY_BYTES = 8 * 1024;

/** The declared Content-Length when present and within MAX_UNLOCK_BODY_BYTES, else null. */
function declaredLength(request: Request): number | null {
  const header = request.headers.get("content-length")?.trim() ?? "";
  if (!/^\d{1,7}$/.test(header)) return null;
  const length = Number(header);
  return length <= MAX_UNLOCK_BODY_BYTES ? length : null;
}

/** The body, read up to its declared length (at most MAX_UNLOCK_BODY_BYTES); null when it holds more. */
async function boundedBody(request: Request, declared: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > declared) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function passwordFrom(request: Request, body: Uint8Array<ArrayBuffer>): Promise<string | null> {
  try {
    const contentType = request.headers.get("content-type") ?? "application/x-www-form-urlencoded";
    const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    const value = form.get("password");
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}

/** A refusal by the guessing limits as a catalogue message: busy, or "try again in N minutes". */
function limitedMessage(result: { busy?: boolean; retryInMinutes?: number }): PasswordError {
  if (result.busy) return { key: "password.busy" };
  return result.retryInMinutes ? { key: "password.retryIn", values: { minutes: result.retryInMinutes } } : { key: "password.tooMany" };
}

export async function unlockLink(context: RecipientContext): Promise<Response> {
  const { link, token } = context;
  const page = `/s/${token}`;
  // Before anything reads the body: a declared length within the limit, or 413.
  const declared = declaredLength(context.request);
  if (declared === null) return plainPage("tooLarge", context.request);
  // A form on another site must not spend this visitor's guesses (browsers say where a form came from).
  if (context.request.headers.get("sec-fetch-site") === "cross-site") return plainPage("crossSite", context.request);
  if (!link.passwordHash || context.unlocked) return redirectResponse(page, 303);

  const body = await boundedBody(context.request, declared);
  if (!body) return plainPage("tooLarge", context.request);
  const password = await passwordFrom(context.request, body);
  if (!password) return passwordResponse(context, { key: "password.empty" });
  if (password.length > MAX_PASSWORD_LENGTH) {
    context.log("wrong_password");
    return passwordResponse(context, { key: "password.wrong" });
  }

  const passwordHash = link.passwordHash;
  const authSecret = getRuntimeSecrets().authSecret;
  const secret = { linkId: link.id, passwordHash, authSecret, now: context.now };
  // A browser that unlocked this link before is not held back by others' guessing (the link's lock-out).
  const knownBrowser = isKnownLinkBrowser(context.request.headers.get("cookie"), secret);
  const result = await guardedAttempt({ scope: "link-password", subject: link.id, address: context.address, knownBrowser }, () =>
    verifyPassword(password, passwordHash),
  );
  if (!result.ok) {
    if (result.limited) {
      context.log("refused", "rate_limited");
      return passwordResponse(context, limitedMessage(result), 429);
    }
    // The failure was written after this request began: the lock-out is read as of now.
    const lockout =
      result.lockFailureId === undefined
        ? null
        : await lockoutStartedByFailure({
            link,
            failureId: result.lockFailureId,
            clientAddress: context.loggedAddress,
            userAgent: context.userAgent,
            now: new Date(),
          });
    context.log("wrong_password", lockout ? "locked_out" : null);
    return passwordResponse(
      context,
      lockout ? { key: "password.lockedOut", values: { minutes: retryMinutes(lockout.lockedUntil) } } : { key: "password.wrong" },
    );
  }
  const { value } = signUnlock(secret);
  context.log("unlocked");
  const response = redirectResponse(page, 303, { "Set-Cookie": unlockCookieHeader({ token, value, secure: context.secure }) });
  response.headers.append("Set-Cookie", linkKnownBrowserCookieHeader({ token, value: signLinkKnownBrowser(secret), secure: context.secure }));
  return response;
}
