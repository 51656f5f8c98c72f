import "server-only";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets, publicBaseUrl } from "@/lib/env";
import { escapeHtml, MailError, type Mail } from "@/lib/mail/send";
import { type NotificationKind, signUnsubscribeToken, unsubscribeKey } from "@/lib/notifications/token";

/** The person a notification goes to, with their channels. */
export type Recipient = { id: string; email: string; webhookUrl: string | null; notifyByEmail: boolean; notifyByWebhook: boolean };

export const RECIPIENT_SELECT = { id: true, email: true, webhookUrl: true, notifyByEmail: true, notifyByWebhook: true } as const;

/** <PUBLIC_URL>/unsubscribe/<token> for this person and kind; null when the app does not know its address (PUBLIC_URL/AUTH_URL). */
export function unsubscribeUrl(personId: string, kind: NotificationKind): string | null {
  const base = publicBaseUrl();
  if (!base) return null;
  const token = signUnsubscribeToken({ personId, kind }, unsubscribeKey(getRuntimeSecrets().authSecret));
  return `${base}/unsubscribe/${token}`;
}

/**
 * Adds the one-click unsubscribe (RFC 8058: List-Unsubscribe with the URL that a POST unsubscribes at,
 * List-Unsubscribe-Post) and the page's link at the end of both parts.
 */
export function withUnsubscribe(mail: Mail, personId: string, kind: NotificationKind, what: string): Mail {
  const url = unsubscribeUrl(personId, kind);
  if (!url)
    return {
      ...mail,
      text: `${mail.text}\n\n--\nChange these e-mails in Settings → Notifications.`,
      html: `${mail.html}\n<hr><p>Change these e-mails in Settings → Notifications.</p>`,
    };
  return {
    ...mail,
    text: `${mail.text}\n\n--\nStop these e-mails (${what}): ${url}\nOr change them in Settings → Notifications.`,
    html: `${mail.html}\n<hr><p>Stop these e-mails (${escapeHtml(what)}): <a href="${escapeHtml(url)}">Unsubscribe</a>. Or change them in Settings → Notifications.</p>`,
    // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the header's URL itself, so it is the route that
    // unsubscribes (/confirm; a GET there only leads to the page); the body's link is the page with its button.
    headers: { "List-Unsubscribe": `<${url}/confirm>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

/** Queues one webhook event for the person (delivered by the webhook queue, signed, with back-off). */
export async function queueWebhookEvent(person: Recipient, payload: Record<string, unknown>): Promise<boolean> {
  if (!person.notifyByWebhook || !person.webhookUrl) return false;
  await db.webhookDelivery.create({
    data: { ownerId: person.id, url: person.webhookUrl, payload: { ...payload, occurredAt: new Date().toISOString() } as object, nextAttemptAt: new Date() },
  });
  return true;
}

/** The kind of failure only (sendMail never passes the server's reply or the URL on). */
export function mailFailure(error: unknown): string {
  const code = error instanceof MailError ? error.code : undefined;
  if (code === "ETIMEDOUT") return "the SMTP server did not answer in time";
  if (code === "ECONNECTION" || code === "ECONNREFUSED" || code === "ESOCKET") return "the SMTP server could not be reached";
  return code ? `SMTP error ${code}` : "SMTP error";
}
