/**
 * Issue 17, item 1: an upload request's fields as people type them. "Allowed file types" (extensions
 * and MIME families), the sizes ("500 MB"), the limits' own rules, where files land (the title made one
 * clean segment, else the date), and the status (Open, Full, Expired, Closed).
 */
import { describe, expect, it } from "vitest";
import {
  allowedTypesProblem,
  dateSegment,
  landingFolder,
  limitsInWords,
  limitsProblems,
  parseAllowedTypes,
  parseSize,
  requestStatus,
  sizeText,
  uploaderFolder,
} from "@/lib/upload-requests/request";
import { createUploadRequestSchema } from "@/lib/validation/upload-requests";

describe("Allowed file types", () => {
  it('reads "pdf, .jpg, image/*" as extensions with their dot and MIME families, lower case, without duplicates', () => {
    expect(parseAllowedTypes("pdf, .jpg, image/*")).toEqual({ ok: true, types: [".pdf", ".jpg", "image/*"] });
    expect(parseAllowedTypes(" PDF;.Pdf  application/PDF\nvideo/mp4 ")).toEqual({ ok: true, types: [".pdf", "application/pdf", "video/mp4"] });
    expect(parseAllowedTypes("")).toEqual({ ok: true, types: [] });
  });

  it("names what is neither an extension nor a MIME type", () => {
    expect(parseAllowedTypes("pdf, ***, image/, */*, a b/c/d")).toEqual({ ok: false, invalid: ["***", "image/", "*/*", "b/c/d"] });
    expect(parseAllowedTypes(".")).toEqual({ ok: false, invalid: ["."] });
    expect(allowedTypesProblem(["pdf", "<script>"])).toMatch(/Not an extension or a MIME type: “<script>”/);
    expect(allowedTypesProblem(Array.from({ length: 51 }, (_, i) => `.e${i}`))).toMatch(/at most 50/);
    expect(allowedTypesProblem([".pdf", "image/*"])).toBeNull();
  });
});

describe("sizes", () => {
  it("reads a number and a unit in powers of 1024, as sizes are shown", () => {
    expect(parseSize("500 MB")).toBe(500 * 1024 ** 2);
    expect(parseSize("1.5gb")).toBe(1.5 * 1024 ** 3);
    expect(parseSize("2 GiB")).toBe(2 * 1024 ** 3);
    expect(parseSize("1,5 TB")).toBe(1.5 * 1024 ** 4);
    expect(parseSize("10 B")).toBe(10);
    for (const bad of ["", "lots", "10", "MB", "-1 MB", "0 MB", "1e9 B", "5 PB"]) expect(parseSize(bad), bad).toBeNull();
  });

  it("writes a size back the way it reads", () => {
    for (const bytes of [1024 ** 3, 5 * 1024 ** 3, 500 * 1024 ** 2, 1.5 * 1024 ** 3, 1234]) expect(parseSize(sizeText(bytes))).toBe(bytes);
    expect(sizeText(1024 ** 3)).toBe("1 GB");
    expect(limitsInWords({ maxFiles: 1, maxFileSize: 1024 ** 3, maxTotalSize: 5 * 1024 ** 3 })).toBe("1 file of at most 1 GB each, 5 GB in all");
  });

  it("the limits' own rules: whole files from 1 to 10,000, a total at least the largest file", () => {
    expect(limitsProblems({ maxFiles: 10, maxFileSize: 1024, maxTotalSize: 1024 })).toEqual({});
    expect(limitsProblems({ maxFiles: 0, maxFileSize: 2048, maxTotalSize: 1024 })).toEqual({
      maxFiles: expect.stringMatching(/1 to 10,000/),
      maxTotalSize: expect.stringMatching(/at least the largest file/),
    });
    expect(limitsProblems({ maxFiles: 1.5, maxFileSize: 6 * 1024 ** 4, maxTotalSize: 1 })).toMatchObject({
      maxFiles: expect.any(String),
      maxFileSize: expect.any(String),
    });
  });

  it("the form: empty fields take the defaults (10 files, 1 GB, 5 GB), typed ones are read", () => {
    const parsed = createUploadRequestSchema.parse({ connectionId: "c", bucket: "b" });
    expect(parsed).toMatchObject({ maxFiles: 10, maxFileSize: 1024 ** 3, maxTotalSize: 5 * 1024 ** 3, allowedTypes: [], askName: false, preset: "7d" });
    const typed = createUploadRequestSchema.parse({
      connectionId: "c",
      bucket: "b",
      maxFiles: " 3 ",
      maxFileSize: "20 MB",
      allowedTypes: "pdf",
      askName: "on",
    });
    expect(typed).toMatchObject({ maxFiles: 3, maxFileSize: 20 * 1024 ** 2, allowedTypes: [".pdf"], askName: true });
    const bad = createUploadRequestSchema.safeParse({ connectionId: "c", bucket: "b", maxFiles: "ten", maxTotalSize: "big" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path[0]).sort()).toEqual(["maxFiles", "maxTotalSize"]);
  });
});

describe("where uploads land", () => {
  const now = new Date("2026-12-07T23:30:00Z");

  it("<folder><title>/, the title cleaned into one segment", () => {
    expect(landingFolder("clients/", "Wedding photos", now)).toBe("clients/Wedding photos/");
    expect(landingFolder("", "Q4 / invoices", now)).toBe("Q4 _ invoices/");
    expect(landingFolder("in/", "../../etc", now)).toBe("in/.._.._etc/");
    expect(landingFolder("in/", "Cafe\u0301\u0000", now)).toBe("in/Café/");
  });

  it("the date when there is no title, or no usable character in it", () => {
    expect(landingFolder("in/", null, now)).toBe("in/2026-12-07/");
    expect(landingFolder("in/", "..", now)).toBe("in/2026-12-07/");
    expect(landingFolder("in/", " ", now, "Asia/Tokyo")).toBe("in/2026-12-08/");
    expect(dateSegment(now, "Not/AZone")).toBe("2026-12-07");
  });

  it("a folder per uploader: their name as one segment, else Unnamed", () => {
    expect(uploaderFolder("in/Photos/", "Ana Lima")).toBe("in/Photos/Ana Lima/");
    expect(uploaderFolder("in/Photos/", "../x")).toBe("in/Photos/.._x/");
    expect(uploaderFolder("in/Photos/", null)).toBe("in/Photos/Unnamed/");
  });
});

describe("a request's status", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  const later = new Date("2026-12-08T12:00:00Z");
  const counters = { maxFiles: 3, maxTotalSize: 100, receivedFiles: 1, receivedBytes: 10 };

  it("Closed, then Expired, then Full (every file, or the total), else Open", () => {
    expect(requestStatus({ revokedAt: null, expiresAt: later }, counters, now)).toBe("open");
    expect(requestStatus({ revokedAt: null, expiresAt: later }, { ...counters, receivedFiles: 3 }, now)).toBe("full");
    expect(requestStatus({ revokedAt: null, expiresAt: later }, { ...counters, receivedBytes: 100 }, now)).toBe("full");
    expect(requestStatus({ revokedAt: null, expiresAt: now }, { ...counters, receivedFiles: 3 }, now)).toBe("expired");
    expect(requestStatus({ revokedAt: now, expiresAt: now }, counters, now)).toBe("closed");
  });
});
