import UAParser from "ua-parser-js";
import { detectPreviewAgent } from "@/lib/links/preview-agent";

/**
 * The access log as a person reads it on /links/<id>: one row per thing a recipient did, said in
 * words ("Downloaded reports/q3.pdf", "Asked for the password"), and a user agent summarised
 * ("Chrome 131 on macOS", "curl 8.5", "Slack link preview"; the raw string stays one click away).
 */

/** A row of link_events as listAccessLog reads it. */
export type AccessLogEvent = {
  id: string;
  createdAt: Date;
  outcome: string;
  reason: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  previewAgent: boolean;
  /** Multi-file shares: the file's path in the share, or "*" for "Download all". */
  filePath: string | null;
};

/** A row of the table: an event, and for a page view the previews its page loaded (folded into it). */
export type AccessLogRow = AccessLogEvent & {
  /** The previews folded into this page view: the file path of each (null for a single-file link). */
  previews: (string | null)[];
};

/**
 * A page with an image, audio or video preview makes the browser fetch /s/<token>/preview right
 * after the page: two log rows for one visit. Both are kept in link_events (a preview is logged
 * like a page view, SECURITY.md, and fetched directly it is a visit of its own), and the table
 * folds a preview into the page view it followed: the same address and user agent, at most this
 * long after it.
 */
export const PREVIEW_FOLD_MS = 10_000;

/** "outcome:reason" of a log row (the reasons of link_events are not AppError reasons). */
const kind = (e: AccessLogEvent) => `${e.outcome}:${e.reason ?? ""}`;
const isPreview = (e: AccessLogEvent) => kind(e) === "page_view:preview" && !e.previewAgent;
const isPageView = (e: AccessLogEvent) => kind(e) === "page_view:" && !e.previewAgent;

/**
 * Folds each preview into the latest page view before it from the same address and user agent
 * (within PREVIEW_FOLD_MS); other previews stay rows of their own. `events` are newest first.
 */
export function foldPreviews(events: AccessLogEvent[]): AccessLogRow[] {
  const rows: AccessLogRow[] = events.map((e) => ({ ...e, previews: [] }));
  const folded = new Set<number>();
  rows.forEach((view, v) => {
    if (!isPageView(view)) return;
    const start = view.createdAt.getTime();
    // Newest first: the previews after this page view come before it; a page view newer than them took them already.
    for (let p = 0; p < rows.length; p++) {
      const preview = rows[p]!;
      if (p === v || folded.has(p) || !isPreview(preview)) continue;
      const at = preview.createdAt.getTime();
      if (at < start || at - start > PREVIEW_FOLD_MS) continue;
      if (preview.clientAddress !== view.clientAddress || preview.userAgent !== view.userAgent) continue;
      folded.add(p);
      view.previews.push(preview.filePath);
    }
  });
  return rows.filter((_, i) => !folded.has(i));
}

const REFUSAL: Record<string, string> = {
  expired: "The link had expired",
  revoked: "The link was revoked",
  limit: "The download limit was reached",
  network: "From a network the link does not allow",
  password: "The password was needed",
  changed: "The file changed since it was shared",
  missing: "The file no longer exists",
  rate_limited: "Too many password attempts",
};

const fileName = (path: string | null) => (path && path !== "*" ? ` ${path}` : "");

/** What happened, in words, and a detail line (why it was refused, what it did not count). */
export function describeEvent(row: AccessLogRow): { action: string; detail: string | null } {
  switch (row.outcome) {
    case "page_view":
      switch (row.reason) {
        case "password_page":
          return { action: "Asked for the password", detail: null };
        case "preview":
          return { action: row.filePath ? `Previewed ${row.filePath}` : "Viewed the preview", detail: "Not counted" };
        case "preview_agent":
          return { action: "Shown the title card", detail: "Not counted as a download" };
        case "head":
          return { action: "Checked the link (HEAD request)", detail: "Not counted" };
        default: {
          const paths = row.previews.filter((p): p is string => p !== null);
          const detail = row.previews.length === 0 ? null : paths.length > 0 ? `Previewed ${[...new Set(paths)].join(", ")}` : "Its preview loaded";
          return { action: "Viewed the page", detail };
        }
      }
    case "download":
      return { action: row.filePath === "*" ? "Downloaded all files (ZIP)" : `Downloaded${fileName(row.filePath)}`, detail: null };
    case "refused": {
      const why = row.reason ? (REFUSAL[row.reason] ?? row.reason) : null;
      const what = row.filePath === "*" ? "Download all" : row.filePath;
      return { action: what ? `Refused ${what}` : "Refused", detail: why };
    }
    case "wrong_password":
      return { action: "Wrong password", detail: kind(row) === "wrong_password:locked_out" ? "The link is locked: too many wrong passwords" : null };
    case "unlocked":
      return { action: "Unlocked", detail: null };
    default:
      return { action: row.outcome, detail: row.reason };
  }
}

const OS_NAMES: Record<string, string> = { "Mac OS": "macOS", "Chromium OS": "ChromeOS" };
const BROWSER_NAMES: Record<string, string> = { "Mobile Safari": "Safari", "Chrome Headless": "Headless Chrome", "Mobile Firefox": "Firefox" };

/** "8.5.0" → "8.5"; "1.0" stays. */
const shortVersion = (version: string) => version.split(".").slice(0, 2).join(".");

/** A program that names itself first ("curl/8.5.0"), or inside "(compatible; Googlebot/2.1; …)". */
function productToken(ua: string): string | null {
  const compatible = /\(compatible; ([\w.-]+)\/([\w.]+)/i.exec(ua);
  const first = /^([\w.-]+)(?:\/([\w.]+))?/.exec(ua);
  const match = compatible ?? (first && first[1] !== "Mozilla" ? first : null);
  if (!match) return null;
  return match[2] ? `${match[1]} ${shortVersion(match[2])}` : match[1]!;
}

/** "Chrome 131 on macOS", "curl 8.5", "Slack link preview"; "Unknown" when there is nothing to go by. */
export function summariseUserAgent(userAgent: string | null): string {
  const ua = (userAgent ?? "").trim();
  if (!ua) return "Unknown";
  const agent = detectPreviewAgent(ua);
  if (agent.previewAgent && agent.name !== "bot") return `${agent.name} link preview`;
  const { browser, os } = UAParser(ua);
  if (browser.name) {
    const name = BROWSER_NAMES[browser.name] ?? browser.name;
    const version = browser.major ? ` ${browser.major}` : "";
    const system = os.name ? ` on ${OS_NAMES[os.name] ?? os.name}` : "";
    return `${name}${version}${system}`;
  }
  return (productToken(ua) ?? ua).slice(0, 60);
}
