import { describe, expect, it } from "vitest";
import { DEFAULT_BRAND } from "@/lib/appearance/brand";
import { t } from "@/lib/i18n";
import { filePage, passwordPage, type RecipientPageContext, titleCardPage, type FileView } from "@/lib/recipient/html/templates";
import { RECIPIENT_CSS, RECIPIENT_CSS_HASH } from "@/lib/recipient/html/styles";
import { offeredPreview } from "@/lib/recipient/pages";
import { recipientCsp } from "@/lib/recipient/respond";
import { createHash } from "node:crypto";

const view: FileView = {
  token: "T".repeat(32),
  fileName: `<img src=x onerror="alert(1)">.png`,
  size: "1 KB",
  type: "PNG image",
  icon: "image",
  ownerName: "Eve <script>alert(2)</script>",
  expires: { never: false, exact: "Nov 30, 2026, 10:00 AM UTC", relative: "in 1 day", iso: "2026-11-30T10:00:00.000Z" },
  downloadsLeft: null,
  downloadByPost: false,
  openable: false,
  preview: { kind: "text", text: "</pre><script>alert(3)</script>", truncated: true },
};

const ctx: RecipientPageContext = { t: t("en"), brand: DEFAULT_BRAND };

describe("recipient pages", () => {
  it("escape every value: file names, owner names and file text cannot add markup", () => {
    const page = filePage(ctx, view);
    expect(page).not.toMatch(/<script|<img src=x/);
    expect(page).toContain("<h1>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.png</h1>");
    expect(page).toContain("Shared by Eve &lt;script&gt;alert(2)&lt;/script&gt;");
    expect(page).toContain("&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;");
    expect(page).toContain("Only the beginning of the file is shown.");
    const card = titleCardPage(ctx, { title: `"><script>x</script>`, description: "d" });
    expect(card).toContain('<meta property="og:title" content="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">');
    expect(passwordPage(ctx, { token: view.token, error: "<b>no</b>" })).toContain("&lt;b&gt;no&lt;/b&gt;");
  });

  it("run no script: the CSP allows the one stylesheet by hash, media only from here and the link's storage", () => {
    expect(RECIPIENT_CSS_HASH).toBe(`sha256-${createHash("sha256").update(RECIPIENT_CSS).digest("base64")}`);
    expect(filePage(ctx, view)).toContain(`<style>${RECIPIENT_CSS}</style>`);
    const csp = recipientCsp(["http://127.0.0.1:9000"]);
    expect(csp).toBe(
      `default-src 'none'; style-src '${RECIPIENT_CSS_HASH}'; img-src 'self' http://127.0.0.1:9000; media-src 'self' http://127.0.0.1:9000; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(recipientCsp()).toContain("img-src 'self';");
  });

  it("label the password field and name the button Unlock; an error is tied to the field", () => {
    const plain = passwordPage(ctx, { token: view.token });
    expect(plain).toContain('<label for="password">Password</label><input id="password" name="password" type="password"');
    expect(plain).toContain('<button class="button" type="submit">Unlock</button>');
    expect(plain).not.toContain('aria-invalid="true"');
    const wrong = passwordPage(ctx, { token: view.token, error: "Wrong password. Check it and try again." });
    expect(wrong).toContain('aria-invalid="true" aria-describedby="password-error"');
    expect(wrong).toContain('<p id="password-error" class="error" role="alert">Wrong password. Check it and try again.</p>');
  });

  it("speak of one file or of several files", () => {
    expect(passwordPage(ctx, { token: view.token })).toContain("<h1>This file is protected</h1>");
    expect(passwordPage(ctx, { token: view.token, several: true })).toContain("<h1>These files are protected</h1>");
  });
});

describe("the preview a managed link offers", () => {
  const link = (key: string, objectContentType: string | null, downloadLimit: number | null) => ({
    key,
    objectContentType,
    contentTypeOverride: null,
    downloadLimit,
  });

  it("previews nothing when the link has a download limit (every preview would give the whole file uncounted)", () => {
    expect(offeredPreview(link("a.png", "image/png", null))).toEqual({ kind: "image", responseContentType: "image/png" });
    expect(offeredPreview(link("a.txt", "text/plain", null))).toEqual({ kind: "text" });
    for (const [key, type] of [
      ["a.png", "image/png"],
      ["a.txt", "text/plain"],
      ["a.pdf", "application/pdf"],
      ["a.mp3", "audio/mpeg"],
      ["a.mp4", "video/mp4"],
      ["b.pdf", "application/octet-stream"],
    ] as const) {
      expect(offeredPreview(link(key, type, 5)), key).toEqual({ kind: "downloadToView" });
      expect(offeredPreview(link(key, type, null))?.kind, key).not.toBe("downloadToView");
    }
    expect(offeredPreview(link("a.html", "text/html", 1))).toBeNull();
  });

  it("says Download to view instead of a preview, with no /preview address", () => {
    const page = filePage(ctx, { ...view, fileName: "brief.pdf", downloadsLeft: 1, preview: { kind: "downloadToView" } });
    expect(page).toContain("Download to view.");
    expect(page).not.toContain("/preview");
  });

  it("make Download a POST button (no script) on a link with a download limit, a plain link otherwise", () => {
    const limited = filePage(ctx, { ...view, downloadsLeft: 1, downloadByPost: true });
    expect(limited).toContain(
      `<form method="post" action="/s/${view.token}/download" class="inline"><button class="button" type="submit">Download</button></form>`,
    );
    expect(limited).not.toContain(`href="/s/${view.token}/download"`);
    expect(filePage(ctx, view)).toContain(`<a class="button" href="/s/${view.token}/download">Download</a>`);
  });
});
