import { z } from "zod";

/**
 * A webhook URL is parsed the way storage endpoints are (lib/validation/endpoint.ts): http or
 * https, a host name or IP address, an optional port, path and query; no credentials, no spaces,
 * no fragment, nothing outside the characters a URL is made of. It is stored as parsed. Pure.
 */

export type WebhookUrlCheck = { ok: true; url: string } | { ok: false; message: string };

export const WEBHOOK_URL_EXAMPLE = "Enter a full http or https URL, such as https://hooks.example.com/bucketshare.";
export const MAX_WEBHOOK_URL_LENGTH = 2000;

/** Unreserved and reserved URL characters (RFC 3986) and `%`; `@` is refused before this check. */
const ALLOWED = /^[A-Za-z0-9._~:/?[\]!$&'()*+,;=%-]+$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

function describeCharacter(c: string): string {
  if (/\s/.test(c)) return "spaces";
  if (/[\u0000-\u001f\u007f]/.test(c)) return "control characters";
  return `“${c}”`;
}

export function parseWebhookUrl(raw: string): WebhookUrlCheck {
  const value = raw.trim();
  if (value.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, message: `Use at most ${MAX_WEBHOOK_URL_LENGTH} characters.` };
  if (!/^https?:\/\//i.test(value)) return { ok: false, message: WEBHOOK_URL_EXAMPLE };
  if (value.includes("@")) return { ok: false, message: "Leave credentials (user:password@) out of the webhook URL: deliveries are signed instead." };
  if (value.includes("#")) return { ok: false, message: "A webhook URL has no fragment (#…)." };
  if (!ALLOWED.test(value)) {
    const bad = [...value].find((c) => !ALLOWED.test(c)) ?? "";
    return { ok: false, message: `A webhook URL is only a URL: remove ${describeCharacter(bad)}.` };
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(value)) return { ok: false, message: "The webhook URL has a stray “%”." };

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: WEBHOOK_URL_EXAMPLE };
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || url.hash) {
    return { ok: false, message: WEBHOOK_URL_EXAMPLE };
  }
  const host = url.hostname;
  const hostOk = IPV4.test(host) || IPV6.test(host) || (host.length <= 253 && host.split(".").every((label) => LABEL.test(label)));
  if (!hostOk) return { ok: false, message: "Enter a host name (letters, digits, dots and hyphens) or an IP address, such as hooks.example.com." };
  if (url.port === "0") return { ok: false, message: "Enter a port from 1 to 65535." };
  return { ok: true, url: url.href };
}

export const webhookUrlSchema = z.object({
  webhookUrl: z
    .string({ error: "Enter the URL that receives the events." })
    .trim()
    .min(1, "Enter the URL that receives the events, or use “Remove webhook” to send none.")
    .transform((v, ctx) => {
      const check = parseWebhookUrl(v);
      if (check.ok) return check.url;
      ctx.addIssue({ code: "custom", message: check.message });
      return z.NEVER;
    }),
});

export const noInputSchema = z.object({});
