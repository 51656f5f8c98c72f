import { describe, expect, it } from "vitest";
import { detectPreviewAgent } from "@/lib/links/preview-agent";

// Real user agents, as the services send them.
const PREVIEW_AGENTS: [string, string][] = [
  ["Slack", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"],
  ["Slack", "Slack-ImgProxy (+https://api.slack.com/robots)"],
  [
    "Teams",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36 Edg/91.0.864.54 MicrosoftPreview/2.0 +https://aka.ms/MicrosoftPreview",
  ],
  ["Skype", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com"],
  ["WhatsApp", "WhatsApp/2.23.20.0 A"],
  ["WhatsApp", "WhatsApp/2.2345.3 i"],
  ["Telegram", "TelegramBot (like TwitterBot)"],
  ["Discord", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"],
  ["Facebook", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"],
  ["Twitter/X", "Twitterbot/1.0"],
  ["LinkedIn", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"],
  ["iMessage", "facebookexternalhit/1.1 Facebot Twitterbot/1.0"],
  [
    "iMessage",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
  ],
];

const PEOPLE = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  // The Teams desktop client's own browser is a person, not the unfurler.
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/55.0 Safari/537.36 Teams/1.3.00.24755",
  // Download tools and automation ask for the file on purpose.
  "curl/8.5.0",
  "Wget/1.21.3",
  "Wget2/2.1.0",
  "aria2/1.37.0",
  "python-requests/2.31.0",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
  // Programs isbot lists but that fetch a file because someone asked them to (Windows' downloader, apps, load testers).
  "Microsoft BITS/7.8",
  "okhttp/4.12.0",
  "Java/17.0.9",
  "Go-http-client/2.0",
  "PostmanRuntime/7.36.0",
  "autocannon (bench:redirect)",
  "k6/0.45.0 (https://k6.io/)",
  "",
];

describe("detectPreviewAgent", () => {
  it.each(PREVIEW_AGENTS)("recognises %s: %s", (name, userAgent) => {
    expect(detectPreviewAgent(userAgent)).toEqual({ previewAgent: true, name });
  });

  it.each(PEOPLE)("lets a person or download tool through: %j", (userAgent) => {
    expect(detectPreviewAgent(userAgent)).toEqual({ previewAgent: false });
  });

  it("treats other bots isbot knows as preview agents (crawlers get the title card, never a download)", () => {
    expect(detectPreviewAgent("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")).toEqual({ previewAgent: true, name: "bot" });
    expect(detectPreviewAgent("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)").previewAgent).toBe(true);
    expect(detectPreviewAgent("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)").previewAgent).toBe(true);
    expect(detectPreviewAgent("Viber/1.0").previewAgent).toBe(true);
    expect(detectPreviewAgent("Mattermost-Bot/1.1").previewAgent).toBe(true);
    expect(detectPreviewAgent("Iframely/1.3.1 (+https://iframely.com/docs/about)").previewAgent).toBe(true);
  });

  it("handles a missing user agent", () => {
    expect(detectPreviewAgent(null)).toEqual({ previewAgent: false });
    expect(detectPreviewAgent(undefined)).toEqual({ previewAgent: false });
  });
});
