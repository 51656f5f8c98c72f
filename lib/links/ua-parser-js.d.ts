/** ua-parser-js 1.x ships no types; only what lib/links/access-log-view.ts uses. */
declare module "ua-parser-js" {
  type Part = { name?: string; version?: string; major?: string };
  export default function UAParser(userAgent: string): { browser: Part; os: Part };
}
