import "server-only";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { KIND_WORDS, unsubscribe } from "@/lib/notifications/preferences";
import { type UnsubscribeClaim, unsubscribeKey, verifyUnsubscribeToken } from "@/lib/notifications/token";

/**
 * /unsubscribe/<token>: no sign-in; the token (HMAC-signed, naming the person and the kind) is the
 * credential. GET shows what it stops and a button (link previewers must not unsubscribe); the POST
 * (the button, or a mail client's RFC 8058 one-click) does it.
 */
export type UnsubscribeTarget = (UnsubscribeClaim & { what: string; email: string }) | null;

/** The person and kind a token names, or null when it was tampered with or names no current person. */
export async function readUnsubscribeToken(token: string): Promise<UnsubscribeTarget> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(token);
  } catch {
    return null; // a malformed %-escape: not a token this app made
  }
  const claim = verifyUnsubscribeToken(decoded, unsubscribeKey(getRuntimeSecrets().authSecret));
  if (!claim) return null;
  const person = await db.user.findUnique({ where: { id: claim.personId }, select: { email: true, removedAt: true } });
  if (!person || person.removedAt) return null;
  return { ...claim, what: KIND_WORDS[claim.kind], email: person.email };
}

export async function unsubscribeWithToken(token: string): Promise<UnsubscribeTarget> {
  const target = await readUnsubscribeToken(token);
  if (!target) return null;
  return (await unsubscribe(target.personId, target.kind)) ? target : null;
}

/** "a•••@example.com": enough for the person to recognise the address, not to harvest it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  return at <= 0 ? "•••" : `${email[0]}•••${email.slice(at)}`;
}
