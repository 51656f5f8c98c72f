/**
 * A storage endpoint is a URL and nothing more: http or https, a host name or IP address, an
 * optional port and an optional path. Everything that could mean something else somewhere the
 * endpoint ends up (a `;` or `,` in a Content-Security-Policy, quotes, spaces, `*`, credentials,
 * a query or fragment) is refused. Pure: used by the connection form's schema and by the CSP.
 */

export type ParsedEndpoint = {
  protocol: "http:" | "https:";
  /** Lowercase host name, dotted IPv4, or bracketed IPv6. */
  hostname: string;
  /** Explicit non-default port, or null. */
  port: number | null;
  /** The path without trailing slashes ("" for none). */
  path: string;
  hostKind: "name" | "ipv4" | "ipv6";
  /** What is stored: `protocol//host[:port][path]`. */
  normalized: string;
};

export type EndpointCheck = { ok: true; endpoint: ParsedEndpoint } | { ok: false; message: string };

export const ENDPOINT_EXAMPLE_MESSAGE = "Enter a full URL such as https://s3.us-east-1.amazonaws.com (http or https, no query).";

/** Every character an endpoint URL may contain (ASCII letters, digits and `._~:/[]%-`). */
const ALLOWED = /^[A-Za-z0-9._~:/[\]%-]+$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

function describeCharacter(c: string): string {
  if (/\s/.test(c)) return "spaces";
  return `“${c}”`;
}

export function parseEndpoint(raw: string): EndpointCheck {
  const value = raw.trim();
  if (!/^https?:\/\//i.test(value)) return { ok: false, message: ENDPOINT_EXAMPLE_MESSAGE };
  if (value.includes("{")) return { ok: false, message: "Replace the {placeholder} in the endpoint (for Cloudflare R2: your account ID)." };
  if (value.includes("@")) return { ok: false, message: "Leave credentials out of the endpoint URL: use the access key fields below." };
  if (value.includes("?") || value.includes("#")) return { ok: false, message: "An endpoint has no query (?…) or fragment (#…)." };
  if (!ALLOWED.test(value)) {
    const bad = [...value].find((c) => !ALLOWED.test(c)) ?? "";
    return { ok: false, message: `An endpoint is only a URL (scheme, host, optional port and path): remove ${describeCharacter(bad)}.` };
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(value)) return { ok: false, message: "The endpoint's path has a stray “%”." };

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: ENDPOINT_EXAMPLE_MESSAGE };
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || url.search || url.hash) {
    return { ok: false, message: ENDPOINT_EXAMPLE_MESSAGE };
  }

  const hostname = url.hostname;
  let hostKind: ParsedEndpoint["hostKind"];
  if (IPV4.test(hostname)) hostKind = "ipv4";
  else if (IPV6.test(hostname)) hostKind = "ipv6";
  else if (hostname.length <= 253 && hostname.split(".").every((label) => LABEL.test(label))) hostKind = "name";
  else return { ok: false, message: "Enter a host name (letters, digits, dots and hyphens) or an IP address, such as s3.example.com." };

  const port = url.port === "" ? null : Number(url.port);
  if (port === 0) return { ok: false, message: "Enter a port from 1 to 65535." };

  const path = url.pathname.replace(/\/+$/, "");
  return {
    ok: true,
    endpoint: {
      protocol: url.protocol as ParsedEndpoint["protocol"],
      hostname,
      port,
      path,
      hostKind,
      normalized: `${url.protocol}//${url.host}${path}`,
    },
  };
}
