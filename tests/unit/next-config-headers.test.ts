/**
 * The answers `npm start` sends before Next's router (lib/boot/download-fast-path.ts, lib/boot/api-fast-path.ts) carry
 * next.config.js's header rules whose source is "/:path*", as Next would. A rule for another source would be sent by
 * Next and silently missing from those answers: this fails until the fast paths learn to match it.
 */
import { describe, expect, it } from "vitest";

type HeaderRule = { source: string; headers: { key: string; value: string }[] };
const config = ((await import(new URL("../../next.config.js", import.meta.url).href)) as { default: { headers?: () => Promise<HeaderRule[]> } }).default;

describe("next.config.js headers", () => {
  it("apply to every path, as the fast paths copy them", async () => {
    const rules = (await config.headers?.()) ?? [];
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.map((r) => r.source)).toEqual(rules.map(() => "/:path*"));
    const names = rules.flatMap((r) => r.headers.map((h) => h.key.toLowerCase()));
    expect(names).toEqual(expect.arrayContaining(["x-content-type-options", "referrer-policy"]));
  });
});
