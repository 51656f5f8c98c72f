import "server-only";
import nodemailer from "nodemailer";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * Outgoing e-mail through SMTP_URL (smtp:// or smtps://, optional user:password). Without SMTP_URL
 * nothing is sent and nothing tries. Neither the body nor the credentials are ever logged.
 */

/** How long connecting, the greeting and an idle socket may take, in milliseconds. */
const TIMEOUT_MS = 5_000;

/** `headers`: extra header lines (List-Unsubscribe and List-Unsubscribe-Post for notifications). */
export type Mail = { to: string; subject: string; text: string; html: string; headers?: Record<string, string> };

export function mailConfigured(): boolean {
  return Boolean(getEnv().SMTP_URL);
}

/** MAIL_FROM, else "Bucketshare <bucketshare@<host of PUBLIC_URL or localhost>>". */
export function mailFrom(): string {
  const env = getEnv();
  if (env.MAIL_FROM) return env.MAIL_FROM;
  const base = env.PUBLIC_URL ?? env.AUTH_URL;
  const host = base ? new URL(base).hostname.replace(/^\[|\]$/g, "") : "localhost";
  return `Bucketshare <bucketshare@${host}>`;
}

function transportOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    logger: false,
    debug: false,
  };
}

/**
 * Sends one message; resolves false when SMTP_URL is not set (nothing was tried), true once the
 * server accepted it, and throws when it could not be sent (unreachable, refused, timed out).
 */
export async function sendMail(mail: Mail): Promise<boolean> {
  const smtpUrl = getEnv().SMTP_URL;
  if (!smtpUrl) return false;
  const transport = nodemailer.createTransport(transportOptions(smtpUrl));
  try {
    await transport.sendMail({ from: mailFrom(), to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
    return true;
  } catch (error) {
    const code = error && typeof error === "object" && "code" in error ? String((error as { code: unknown }).code) : undefined;
    const responseCode = error && typeof error === "object" && "responseCode" in error ? Number((error as { responseCode: unknown }).responseCode) : undefined;
    // Only the kind of failure: never the message (it can quote the server's reply to our data) nor the URL.
    log.warn("mail.failed", { code, responseCode });
    throw new MailError(code);
  } finally {
    transport.close();
  }
}

export class MailError extends Error {
  constructor(readonly code: string | undefined) {
    super(`The e-mail could not be sent${code ? ` (${code})` : ""}`);
    this.name = "MailError";
  }
}

/** Escapes text for the HTML part. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}
