/**
 * Settings → Appearance against the real database and the real image decoder (sharp): saving the name shown to
 * recipients, the accent colour and the logo through the real action; refusals for a colour that is not one or that
 * white text cannot be read on, and for logos that are not images, too large or too large in pixels; an SVG with a
 * script comes out as a plain PNG, one that embeds or links to other files is refused; the public logo route's headers and its 404s; what recipient pages are given
 * (loadRecipientBrand), fresh after each save. Only the request context is stood in for.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { session } from "../support/request-context";
import { GET as logoRoute } from "@/app/brand/logo/[file]/route";
import { resetAppearanceAction, saveAppearanceAction } from "@/lib/actions/save-appearance";
import { BRAND_CACHE_MS, DEFAULT_BRAND, loadRecipientBrand } from "@/lib/appearance/brand";
import { getAppearanceSettings } from "@/lib/appearance/settings";
import { db } from "@/lib/db/client";
import * as h from "../support/helpers";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

let owner: SessionUser;
let other: SessionUser;

function form(fields: Record<string, string>, logo?: { bytes: Uint8Array | string; name: string; type: string }): FormData {
  const out = h.formData(fields);
  if (logo) out.set("logo", new File([logo.bytes as BlobPart], logo.name, { type: logo.type }));
  else out.set("logo", new File([], "", { type: "application/octet-stream" }));
  return out;
}

async function save(fields: Record<string, string>, logo?: { bytes: Uint8Array | string; name: string; type: string }) {
  return saveAppearanceAction({ status: "idle" }, form({ name: "Acme Studio", accent: "#1d4ed8", ...fields }, logo));
}

async function logoRow(userId: string) {
  return db.appearance.findUniqueOrThrow({ where: { userId }, select: { logoPng: true, logoSha256: true, name: true, accent: true } });
}

function fetchLogo(file: string) {
  return logoRoute(new Request(`http://app.test/brand/logo/${file}`), { params: Promise.resolve({ file }) });
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 0.5 } } })
    .png()
    .toBuffer();

beforeAll(async () => {
  owner = await h.createTestUser("appearance-owner");
  other = await h.createTestUser("appearance-other");
});

beforeEach(() => {
  session.user = owner;
});

afterAll(async () => {
  session.user = null;
  await h.deleteTestUsers(owner, other);
});

describe("saving the appearance", () => {
  it("shows Bucketshare's own until something is saved", async () => {
    expect(await getAppearanceSettings(owner.id)).toEqual({ ...DEFAULT_BRAND, isDefault: true });
  });

  it("saves the trimmed name and the accent as lowercase #rrggbb, and recipient pages get them at once", async () => {
    await loadRecipientBrand(); // a cached brand from before must not outlive the save
    const state = await save({ name: "  Acme Studio  ", accent: "#036" });
    expect(state).toMatchObject({ status: "success", message: expect.stringContaining("Appearance saved") });
    expect(await getAppearanceSettings(owner.id)).toEqual({ name: "Acme Studio", accent: "#003366", logoUrl: null, isDefault: false });
    expect(await loadRecipientBrand()).toEqual({ name: "Acme Studio", accent: "#003366", logoUrl: null });

    await save({ accent: "#1D4ED8" });
    expect((await logoRow(owner.id)).accent).toBe("#1d4ed8");
    expect((await loadRecipientBrand()).accent).toBe("#1d4ed8");
  });

  it("refuses a colour that is not one, and one white text cannot be read on, with the reason in words", async () => {
    const notColour = await save({ accent: "blue" });
    expect(notColour).toMatchObject({
      status: "invalid",
      fieldErrors: { accent: [expect.stringMatching(/^Enter the colour as # and 3 or 6 hexadecimal digits/)] },
    });

    const light = await save({ accent: "#ffcc00" });
    expect(light).toMatchObject({ status: "invalid" });
    const message = light.status === "invalid" ? light.fieldErrors.accent?.[0] : "";
    expect(message).toBe("This colour is too light: white text on it has a contrast of 1.5:1; WCAG needs 4.5:1. Try a darker shade.");

    // Just short of 4.5:1 (#2a89d0 is 3.9:1; #0077c8 is 4.6:1): refused, and the figure is never rounded up to 4.5.
    const justShort = await save({ accent: "#3a7cc1" });
    expect(justShort.status === "invalid" ? justShort.fieldErrors.accent?.[0] : "").toMatch(/contrast of (?!4\.5)\d\.\d:1/);
    expect(await save({ accent: "#0077c8" })).toMatchObject({ status: "success" });
    expect((await logoRow(owner.id)).accent).toBe("#0077c8");
  });

  it("refuses an empty or too long name", async () => {
    expect(await save({ name: "   " })).toMatchObject({
      status: "invalid",
      fieldErrors: { name: [expect.stringMatching(/^Enter the name recipients should see/)] },
    });
    expect(await save({ name: "x".repeat(61) })).toMatchObject({ status: "invalid", fieldErrors: { name: ["Use at most 60 characters."] } });
    expect(await save({ name: "x".repeat(60) })).toMatchObject({ status: "success" });
  });

  it("keeps each owner's appearance to themselves", async () => {
    session.user = other;
    expect(await save({ name: "Someone Else", accent: "#7c2d12" })).toMatchObject({ status: "success" });
    expect((await logoRow(owner.id)).name).not.toBe("Someone Else");
    session.user = owner;
    await save({ name: "Acme Studio" });
    // Recipient pages show the newest appearance (one owner per instance today).
    expect((await loadRecipientBrand()).name).toBe("Acme Studio");
  });

  it("is the Owner's alone: an Admin or a Member of the team is refused and nothing changes", async () => {
    const before = await logoRow(owner.id);
    for (const role of ["admin", "member"] as const) {
      const row = await db.user.create({
        data: { name: `Team ${role}`, email: `${role}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role, teamId: owner.id },
      });
      session.user = { id: row.id, teamId: owner.id, role, grants: [], name: row.name, email: row.email };
      expect(await save({ name: "Not Theirs", accent: "#7c2d12" })).toMatchObject({
        status: "error",
        message: "Only the Owner changes how recipient pages look.",
      });
      expect(await resetAppearanceAction({ status: "idle" }, undefined)).toMatchObject({ status: "error" });
      await db.user.delete({ where: { id: row.id } });
    }
    session.user = owner;
    expect(await logoRow(owner.id)).toEqual(before);
  });
});

describe("recipient pages on other instances", () => {
  it("see a change saved elsewhere within a few seconds", async () => {
    await save({ name: "Acme Studio" });
    const start = Date.now();
    const now = vi.spyOn(Date, "now").mockReturnValue(start);
    try {
      expect((await loadRecipientBrand()).name).toBe("Acme Studio");
      // Another instance saves: this one's cache was not cleared.
      await db.appearance.update({ where: { userId: owner.id }, data: { name: "Renamed Elsewhere" } });
      now.mockReturnValue(start + BRAND_CACHE_MS - 1);
      expect((await loadRecipientBrand()).name).toBe("Acme Studio");
      now.mockReturnValue(start + BRAND_CACHE_MS);
      expect((await loadRecipientBrand()).name).toBe("Renamed Elsewhere");
    } finally {
      now.mockRestore();
    }
    expect(BRAND_CACHE_MS).toBeLessThanOrEqual(5_000);
  });
});

describe("logos", () => {
  it("re-encodes an uploaded image as a PNG of at most 256×256, served publicly by its hash", async () => {
    const upload = await sharp({ create: { width: 600, height: 300, channels: 3, background: "#c81e1e" } })
      .jpeg()
      .toBuffer();
    expect(await save({}, { bytes: upload, name: "logo.jpg", type: "image/jpeg" })).toMatchObject({ status: "success" });
    const row = await logoRow(owner.id);
    const stored = Buffer.from(row.logoPng!);
    expect(row.logoSha256).toBe(createHash("sha256").update(stored).digest("hex"));
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: "png", width: 256, height: 128, hasAlpha: true });
    expect((await loadRecipientBrand()).logoUrl).toBe(`/brand/logo/${row.logoSha256}.png`);
    expect((await getAppearanceSettings(owner.id)).logoUrl).toBe(`/brand/logo/${row.logoSha256}.png`);

    const response = await fetchLogo(`${row.logoSha256}.png`);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "image/png",
      "x-content-type-options": "nosniff",
      "cache-control": "public, max-age=31536000, immutable",
      "content-security-policy": "default-src 'none'",
    });
    expect(Buffer.from(await response.arrayBuffer()).equals(stored)).toBe(true);

    // A save without a new file keeps the logo.
    await save({ name: "Acme Studio" });
    expect((await logoRow(owner.id)).logoSha256).toBe(row.logoSha256);
  });

  it("keeps the alpha channel of a small PNG and does not enlarge it", async () => {
    expect(await save({}, { bytes: await png(40, 20), name: "small.png", type: "image/png" })).toMatchObject({ status: "success" });
    expect(await sharp(Buffer.from((await logoRow(owner.id)).logoPng!)).metadata()).toMatchObject({ width: 40, height: 20, hasAlpha: true });
  });

  it("turns an SVG with a script into a plain PNG", async () => {
    const svg = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" onload="alert(1)">
  <script>alert(document.cookie)</script>
  <rect width="120" height="60" fill="#1d4ed8"/>
  <a href="#top"><text x="10" y="40">Acme</text></a>
</svg>`;
    expect(await save({}, { bytes: svg, name: "logo.svg", type: "image/svg+xml" })).toMatchObject({ status: "success" });
    const row = await logoRow(owner.id);
    const stored = Buffer.from(row.logoPng!);
    expect(stored.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(stored.toString("latin1")).not.toMatch(/<script|<svg|javascript:|onload/i);
    expect(await sharp(stored).metadata()).toMatchObject({ format: "png", width: 256, height: 128 });
    const response = await fetchLogo(`${row.logoSha256}.png`);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await response.arrayBuffer()).toString("latin1")).not.toContain("<script");
  });

  it("refuses an SVG that embeds or links to other images or files, saying why, and changes nothing", async () => {
    const before = await logoRow(owner.id);
    const svgs = [
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><image href="file:///etc/hostname" width="64" height="64"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="/etc/passwd"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9" fill="url(http://127.0.0.1:9/x.svg#p)"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9" style="fill:url(data:image/png;base64,AAAA)"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect width="9" height="9"/></a></svg>',
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    ];
    for (const svg of svgs) {
      const state = await save({ name: "Should Not Be Saved" }, { bytes: svg, name: "refs.svg", type: "image/svg+xml" });
      expect(state.status === "invalid" ? state.fieldErrors.logo?.[0] : state).toBe(
        "SVG logos cannot embed or link to other images or files (an <image>, a data: URL, a link or an entity). Export the logo as PNG and try again.",
      );
    }
    const after = await logoRow(owner.id);
    expect(after.logoSha256).toBe(before.logoSha256);
    // Links within the file itself (a gradient, a reused shape) are fine.
    const own = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient><rect id="r" width="64" height="64"/></defs>
  <use xlink:href="#r" fill="url(#g)"/></svg>`;
    expect(await save({}, { bytes: own, name: "own.svg", type: "image/svg+xml" })).toMatchObject({ status: "success" });
  });

  it("refuses what is not an image, too large, too many pixels, or another image type, and changes nothing", async () => {
    const before = await logoRow(owner.id);
    const refusal = async (logo: { bytes: Uint8Array | string; name: string; type: string }) => {
      const state = await save({ name: "Should Not Be Saved" }, logo);
      expect(state).toMatchObject({ status: "invalid" });
      return state.status === "invalid" ? state.fieldErrors.logo?.[0] : undefined;
    };
    expect(await refusal({ bytes: "just some text, not a picture", name: "logo.png", type: "image/png" })).toBe(
      "Logo must be a PNG, JPEG, WebP, GIF or SVG image.",
    );
    expect(await refusal({ bytes: "<html><script>alert(1)</script></html>", name: "logo.svg", type: "image/svg+xml" })).toBe(
      "Logo must be a PNG, JPEG, WebP, GIF or SVG image.",
    );
    const tiff = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#000" } })
      .tiff()
      .toBuffer();
    expect(await refusal({ bytes: tiff, name: "logo.tiff", type: "image/tiff" })).toBe("Logo must be a PNG, JPEG, WebP, GIF or SVG image.");
    const large = Buffer.concat([await png(10, 10), Buffer.alloc(600 * 1024)]);
    expect(await refusal({ bytes: large, name: "big.png", type: "image/png" })).toMatch(/^Logo must be at most 512 KiB/);
    const huge = '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="10" height="10"/></svg>';
    expect(await refusal({ bytes: huge, name: "huge.svg", type: "image/svg+xml" })).toMatch(/^Logo is too large in pixels/);

    const after = await logoRow(owner.id);
    expect(after.name).toBe(before.name);
    expect(after.logoSha256).toBe(before.logoSha256);
  });

  it("removes the logo; its URL then answers 404", async () => {
    const { logoSha256 } = await logoRow(owner.id);
    expect(logoSha256).toBeTruthy();
    const both = await save({ removeLogo: "on" }, { bytes: await png(10, 10), name: "x.png", type: "image/png" });
    expect(both).toMatchObject({ status: "invalid", fieldErrors: { logo: [expect.stringContaining("not both")] } });
    expect(await save({ removeLogo: "on" })).toMatchObject({ status: "success" });
    expect(await logoRow(owner.id)).toMatchObject({ logoPng: null, logoSha256: null });
    expect((await loadRecipientBrand()).logoUrl).toBeNull();
    const gone = await fetchLogo(`${logoSha256}.png`);
    expect(gone.status).toBe(404);
  });
});

describe("the logo route", () => {
  it("answers 404 for an unknown hash or any other name, saying nothing more", async () => {
    for (const file of [`${"0".repeat(64)}.png`, "logo.png", `${"a".repeat(64)}.svg`, `${"A".repeat(64)}.png`, "..%2F..%2Fetc%2Fpasswd"]) {
      const response = await fetchLogo(file);
      expect(response.status, file).toBe(404);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await response.text()).toBe("Not found\n");
    }
  });
});

describe("reset", () => {
  it("goes back to Bucketshare's name, colour and no logo", async () => {
    await save({}, { bytes: await png(10, 10), name: "x.png", type: "image/png" });
    session.user = other;
    await resetAppearanceAction({ status: "idle" }, new FormData());
    session.user = owner;
    expect(await resetAppearanceAction({ status: "idle" }, new FormData())).toMatchObject({ status: "success" });
    expect(await getAppearanceSettings(owner.id)).toEqual({ ...DEFAULT_BRAND, isDefault: true });
    expect(await loadRecipientBrand()).toEqual(DEFAULT_BRAND);
  });
});
