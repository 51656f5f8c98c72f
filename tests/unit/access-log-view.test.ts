import { describe, expect, it } from "vitest";
import { type AccessLogEvent, describeEvent, foldPreviews, summariseUserAgent } from "@/lib/links/access-log-view";

describe("summariseUserAgent", () => {
  it.each([
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 on macOS"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 on Windows"],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      "Safari 17 on iOS",
    ],
    ["curl/8.5.0", "curl 8.5"],
    ["Wget/1.21.4", "Wget 1.21"],
    ["python-requests/2.31.0", "python-requests 2.31"],
    ["Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Slack link preview"],
    ["WhatsApp/2.23.20.0 A", "WhatsApp link preview"],
    ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot 2.1"],
  ])("%s → %s", (ua, summary) => {
    expect(summariseUserAgent(ua)).toBe(summary);
  });

  it("says Unknown when there is no user agent", () => {
    expect(summariseUserAgent(null)).toBe("Unknown");
    expect(summariseUserAgent("")).toBe("Unknown");
  });
});

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
let id = 0;
const event = (seconds: number, outcome: string, reason: string | null, more: Partial<AccessLogEvent> = {}): AccessLogEvent => ({
  id: String(++id),
  createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seconds)),
  outcome,
  reason,
  clientAddress: "198.51.100.7",
  userAgent: CHROME,
  previewAgent: false,
  filePath: null,
  ...more,
});

describe("foldPreviews", () => {
  it("folds the preview a page loaded into its page view; a preview fetched later or by someone else stays a row", () => {
    const rows = foldPreviews(
      [
        event(0, "page_view", null),
        event(1, "page_view", "preview"),
        event(2, "page_view", "preview", { clientAddress: "203.0.113.9" }),
        event(40, "page_view", "preview"),
      ].reverse(),
    );
    expect(rows.map((r) => [describeEvent(r).action, r.clientAddress, describeEvent(r).detail])).toEqual([
      ["Viewed the preview", "198.51.100.7", "Not counted"],
      ["Viewed the preview", "203.0.113.9", "Not counted"],
      ["Viewed the page", "198.51.100.7", "Its preview loaded"],
    ]);
  });
});

describe("describeEvent", () => {
  it("names the file of a multi-file download, and Download all", () => {
    const [one, all] = foldPreviews([event(0, "download", null, { filePath: "reports/q3.pdf" }), event(0, "download", null, { filePath: "*" })]);
    expect(describeEvent(one!).action).toBe("Downloaded reports/q3.pdf");
    expect(describeEvent(all!).action).toBe("Downloaded all files (ZIP)");
  });

  it("shows a password page as asked for the password, not a refusal", () => {
    expect(describeEvent(foldPreviews([event(0, "page_view", "password_page")])[0]!)).toEqual({ action: "Asked for the password", detail: null });
  });
});
