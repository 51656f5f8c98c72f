import { isbot } from "isbot";

/**
 * Link-preview agents: the programs chat apps and social sites send to fetch a title card when
 * someone pastes a link. They never count as a download and get nothing but the title card (no
 * preview, no presigned URL), even on /s/<token>/download.
 *
 * The named apps are matched explicitly (their agents change more slowly than isbot's list, and
 * some, like WhatsApp's, look like a phone). Other bots isbot knows are treated the same when they
 * say they are one (a crawler, spider, previewer, unfurler: search engines, other chat apps, SEO
 * tools). isbot also lists every program that is not a browser (curl, wget, Windows BITS, Java,
 * okhttp, load testers); those fetch a file because someone asked them to, so they download, as
 * do headless browsers (a person's automation).
 */

export type PreviewAgent = { previewAgent: false } | { previewAgent: true; name: string };

/** The named preview agents, in the order they are tried (iMessage first: it claims to be three others). */
export const PREVIEW_AGENTS: readonly { name: string; pattern: RegExp }[] = [
  // iMessage / Apple's link presentation: "facebookexternalhit/1.1 Facebot Twitterbot/1.0"
  { name: "iMessage", pattern: /facebookexternalhit\/[\d.]+ Facebot Twitterbot\/[\d.]+/i },
  { name: "Slack", pattern: /Slackbot|Slack-ImgProxy/i },
  // Teams unfurls through Microsoft's preview service (and, in older tenants, Skype's).
  { name: "Teams", pattern: /MicrosoftPreview\//i },
  { name: "Skype", pattern: /SkypeUriPreview/i },
  { name: "WhatsApp", pattern: /^WhatsApp\//i },
  { name: "Telegram", pattern: /TelegramBot/i },
  { name: "Discord", pattern: /Discordbot/i },
  { name: "Facebook", pattern: /facebookexternalhit|Facebot|meta-externalagent/i },
  { name: "Twitter/X", pattern: /Twitterbot/i },
  { name: "LinkedIn", pattern: /LinkedInBot/i },
];

/** Programs that fetch a file because someone asked them to: never preview agents. */
const DOWNLOADERS =
  /^(?:curl|libcurl|Wget|Wget2|aria2|HTTPie|xh|PowerShell|python-requests|python-urllib|Python-urllib|python-httpx|aiohttp|Go-http-client|okhttp|axios|node-fetch|undici|node|Java|Apache-HttpClient|rclone|lwp-request|libwww-perl|Transmission|Dart)\b/i;
/** Headless browsers (Playwright, Puppeteer) are a person's automation, not an unfurler. */
const HEADLESS_BROWSER = /\bHeadlessChrome\/|\bPlaywright\b/;
/** Words a crawler or link previewer uses to name itself (checked only when isbot says "bot"). */
const SELF_DECLARED_BOT =
  /bot\b|bot\/|crawl|spider|slurp|preview|externalhit|embed|unfurl|scrap|archiv|validat|google|bing|yahoo|yandex|baidu|duckduck|facebook|meta-|viber|signal|mattermost|iframely|pinterest|snapchat|tumblr|vkshare|kakaotalk|line\//i;

const MAX_AGENT_LENGTH = 1_024;

export function detectPreviewAgent(userAgent: string | null | undefined): PreviewAgent {
  const ua = (userAgent ?? "").slice(0, MAX_AGENT_LENGTH);
  if (!ua) return { previewAgent: false };
  for (const agent of PREVIEW_AGENTS) if (agent.pattern.test(ua)) return { previewAgent: true, name: agent.name };
  if (DOWNLOADERS.test(ua) || HEADLESS_BROWSER.test(ua)) return { previewAgent: false };
  return isbot(ua) && SELF_DECLARED_BOT.test(ua) ? { previewAgent: true, name: "bot" } : { previewAgent: false };
}
