import { describe, expect, it } from "vitest";
import { createShareSchema } from "@/lib/validation/share";

const base = { connectionId: "c1", bucket: "b", key: "docs/report.pdf", expiryMode: "preset", preset: "1h" };

function contentTypeErrors(contentType: string, disposition: "inline" | "attachment" = "inline"): string[] {
  const result = createShareSchema.safeParse({ ...base, disposition, contentType });
  if (result.success) return [];
  return result.error.issues.filter((issue) => issue.path[0] === "contentType").map((issue) => issue.message);
}

describe("content-type override", () => {
  it.each([
    "application/pdf",
    "text/plain; charset=utf-8",
    'text/plain; charset="utf-8"',
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/png",
    'application/octet-stream; name="a b.bin"',
  ])("accepts %j with Open in browser", (contentType) => {
    expect(contentTypeErrors(contentType)).toEqual([]);
    expect(createShareSchema.parse({ ...base, contentType }).contentType).toBe(contentType);
  });

  it("leaves the object's own type when empty", () => {
    expect(createShareSchema.parse({ ...base, contentType: "  " }).contentType).toBeUndefined();
  });

  it.each([
    'text/plain; charset="utf-8\r\nSet-Cookie: a=b"',
    'text/plain; name="a\nb"',
    "text/plain;\r\n charset=utf-8",
    "text/plain; charset=\u00fctf-8",
    'text/plain; name="caf\u00e9"',
    "text/plain\u0000",
    "text/plain; charset=utf-8\u2028",
  ])("refuses %j: printable ASCII only", (contentType) => {
    expect(contentTypeErrors(contentType)).toEqual([expect.stringMatching(/printable ASCII only/)]);
  });

  it.each(["pdf", "text/", "text/plain;", "text /plain", "text/plain; charset", "a/b/c", 'text/plain; x="unterminated'])(
    "refuses %j: not a media type",
    (contentType) => {
      expect(contentTypeErrors(contentType)).toEqual([expect.stringMatching(/Enter a media type/)]);
    },
  );

  it.each([
    "text/html",
    "TEXT/HTML; charset=utf-8",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "application/rss+xml",
    "text/javascript",
    "application/javascript",
  ])("refuses active type %j with Open in browser, accepts it with Download", (contentType) => {
    expect(contentTypeErrors(contentType, "inline")).toEqual([expect.stringMatching(/can run as a web page .* choose Download/)]);
    expect(contentTypeErrors(contentType, "attachment")).toEqual([]);
  });

  it.each(["*/*", "unknown/unknown", "application/unknown", "Application/Unknown; charset=utf-8", "text/*", "*/html"])(
    "refuses %j, a type the browser sniffs, with Open in browser, accepts it with Download",
    (contentType) => {
      expect(contentTypeErrors(contentType, "inline")).toEqual([expect.stringMatching(/makes the recipient's browser guess the type .* choose Download/)]);
      expect(contentTypeErrors(contentType, "attachment")).toEqual([]);
    },
  );

  it("applies the rule with the default disposition (Open in browser)", () => {
    const result = createShareSchema.safeParse({ ...base, contentType: "text/html" });
    expect(result.success).toBe(false);
  });
});
