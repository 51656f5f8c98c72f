import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatDateTime } from "@/lib/format";

const moment = new Date("2026-12-06T14:05:00Z");
const now = new Date("2026-12-03T14:05:00Z");

describe("the signed-in app's date format", () => {
  it("writes a moment as day, short month, year and 24-hour time, in the zone asked for", () => {
    expect(formatDateTime(moment, "UTC")).toBe("6 Dec 2026, 14:05");
    expect(formatDateTime(moment, "Pacific/Auckland")).toBe("7 Dec 2026, 03:05");
    expect(formatDateTime(moment, "America/Los_Angeles")).toBe("6 Dec 2026, 06:05");
  });

  it("is rendered by the server in UTC, labelled, with the relative part and the exact moment in <time>", () => {
    const html = renderToStaticMarkup(createElement(RelativeTime, { date: moment, now }));
    expect(html).toContain('dateTime="2026-12-06T14:05:00.000Z"');
    expect(html).toContain(">6 Dec 2026, 14:05 UTC · in 3 days</time>");
  });

  it("stacks the relative part under the exact one for table cells", () => {
    const html = renderToStaticMarkup(createElement(RelativeTime, { date: moment, now, layout: "stacked" }));
    expect(html).toMatch(/>6 Dec 2026, 14:05 UTC<\/span><span[^>]*>in 3 days<\/span>/);
  });
});
