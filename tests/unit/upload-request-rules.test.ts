import { describe, expect, it } from "vitest";
import { createResumeStore, fingerprint, RESUME_MAX_AGE_MS } from "@/components/upload-request/resume";
import {
  allowedTypesInWords,
  isActiveType,
  limitsInWords,
  looksLikeText,
  matchesRules,
  nameAllowed,
  precheckFile,
  requestStoredType,
} from "@/lib/upload-requests/rules";

const GB = 1024 ** 3;
const MB = 1024 ** 2;

describe("an upload request's limits in words", () => {
  it("says files, size each, size in all and the types", () => {
    expect(limitsInWords({ maxFiles: 10, maxFileSize: GB, maxTotalSize: 5 * GB, allowedTypes: [".pdf", "image/*"] })).toBe(
      "Up to 10 files, 1 GB each, 5 GB in all; PDF or images",
    );
  });

  it("leaves out a total that adds nothing, and says one file and any type plainly", () => {
    expect(limitsInWords({ maxFiles: 3, maxFileSize: 10 * MB, maxTotalSize: 30 * MB, allowedTypes: [] })).toBe("Up to 3 files, 10 MB each");
    expect(limitsInWords({ maxFiles: 1, maxFileSize: 2 * GB, maxTotalSize: 2 * GB, allowedTypes: ["application/pdf"] })).toBe("Up to 1 file of 2 GB; PDF");
  });

  it("names types in words, once each, with commas and a final or", () => {
    expect(allowedTypesInWords(["pdf", ".PDF", "video/*", "text/csv", "docx"])).toBe("PDF, videos, CSV or DOCX");
    expect(allowedTypesInWords([])).toBeNull();
  });
});

describe("a picked file against the limits, before its first byte", () => {
  const limits = { maxFiles: 5, maxFileSize: 100, maxTotalSize: 150, allowedTypes: ["image/*", ".pdf", ".txt"] };

  it("accepts an allowed type by extension or by the browser's type", () => {
    expect(precheckFile(limits, { name: "scan.PDF", size: 10, type: "" })).toBeNull();
    expect(precheckFile(limits, { name: "photo.heic", size: 10, type: "" })).toBeNull();
    expect(precheckFile(limits, { name: "camera-upload", size: 10, type: "image/jpeg" })).toBeNull();
    expect(precheckFile(limits, { name: "notes.txt", size: 10, type: "text/plain" })).toBeNull();
  });

  it("refuses a refused type and a file over the size limit, saying why", () => {
    expect(precheckFile(limits, { name: "setup.exe", size: 10, type: "application/x-msdownload" })).toBe(
      "This request takes only images, PDF or TXT; this file is not one of them.",
    );
    expect(precheckFile(limits, { name: "big.pdf", size: 101, type: "application/pdf" })).toContain("larger than 100 B");
    expect(nameAllowed([], "anything.bin", "")).toBe(true);
    expect(nameAllowed(["pdf"], "pdf", "")).toBe(false);
  });
});

describe("active content (security review 17, finding 3)", () => {
  it("stores a request's file with the type of its extension, never the browser's, and active types as a download", () => {
    expect(requestStoredType("scan.PDF")).toBe("application/pdf");
    expect(requestStoredType("photo.png")).toBe("image/png");
    expect(requestStoredType("notes.txt")).toBe("text/plain");
    for (const name of ["x.html", "x.HTM", "x.xhtml", "x.svg", "x.xml", "x.js", "x.mjs", "x.xsl", "x.swf"]) {
      expect(requestStoredType(name), name).toBe("application/octet-stream");
    }
    expect(requestStoredType("no-extension")).toBe("application/octet-stream");
    expect(requestStoredType("data.weird")).toBe("application/octet-stream");
    // What the bytes say counts only when the extension says nothing, and never for active content.
    expect(requestStoredType("camera-upload", "image/jpeg")).toBe("image/jpeg");
    expect(requestStoredType("page", "application/xml")).toBe("application/octet-stream");
    expect(requestStoredType("a.png", "text/html")).toBe("image/png");
  });

  it("knows HTML, XHTML, SVG, XML and scripts as active", () => {
    for (const type of ["text/html", "application/xhtml+xml", "image/svg+xml", "application/xml", "text/xml", "text/javascript", "application/javascript"]) {
      expect(isActiveType(type), type).toBe(true);
    }
    for (const type of ["image/png", "application/pdf", "text/plain", "text/csv", "application/json"]) expect(isActiveType(type), type).toBe(false);
  });

  it("does not let image/* take an SVG, nor text/* an HTML page, unless listed by itself", () => {
    expect(nameAllowed(["image/*"], "x.svg", "")).toBe(false);
    expect(nameAllowed(["image/*"], "x.svg", "image/svg+xml")).toBe(false);
    expect(nameAllowed(["image/*"], "x.svg", "image/png")).toBe(false);
    expect(nameAllowed(["text/*"], "x.html", "text/html")).toBe(false);
    expect(matchesRules(["image/*"], "svg", "image/svg+xml")).toBe(false);
    expect(nameAllowed(["image/*"], "x.png", "")).toBe(true);
    expect(nameAllowed(["image/*", ".svg"], "x.svg", "")).toBe(true);
    expect(nameAllowed(["image/svg+xml"], "x.svg", "")).toBe(true);
  });
});

describe("text that file-type cannot recognise", () => {
  it("is UTF-8 without NUL bytes, a character cut at the end allowed", () => {
    expect(looksLikeText(new TextEncoder().encode("a,b\n1,2\n"))).toBe(true);
    const cafe = new TextEncoder().encode("café");
    expect(looksLikeText(cafe.subarray(0, cafe.length - 1))).toBe(true);
    expect(looksLikeText(new Uint8Array([0x41, 0x00, 0x42]))).toBe(false);
    expect(looksLikeText(new Uint8Array([0xff, 0xfe, 0x41, 0x42, 0x43]))).toBe(false);
  });
});

describe("resuming after a reload", () => {
  function memoryStorage() {
    const map = new Map<string, string>();
    return {
      map,
      getItem: (key: string) => map.get(key) ?? null,
      setItem: (key: string, value: string) => void map.set(key, value),
      removeItem: (key: string) => void map.delete(key),
      key: (index: number) => [...map.keys()][index] ?? null,
      get length() {
        return map.size;
      },
    };
  }
  const file = { name: "film.mov", size: 30 * MB, lastModified: 1_700_000_000_000 };
  const upload = { id: "up1", secret: "s3cret", key: "up1", uploadId: "mp-1" };

  it("knows the same file again by request, name, size and last-modified time", () => {
    expect(fingerprint("req1", file)).toBe(fingerprint("req1", { ...file }));
    expect(fingerprint("req1", file)).not.toBe(fingerprint("req2", file));
    expect(fingerprint("req1", file)).not.toBe(fingerprint("req1", { ...file, size: file.size + 1 }));
    expect(fingerprint("req1", file)).not.toBe(fingerprint("req1", { ...file, lastModified: file.lastModified + 1 }));
    expect(fingerprint("req1", file)).not.toBe(fingerprint("req1", { ...file, name: "Film.mov" }));
  });

  it("remembers a begun upload, lists it as interrupted, forgets it when done, and drops what is a day old", () => {
    const storage = memoryStorage();
    let now = 1_000;
    const store = createResumeStore(storage, "req1", () => now);
    store.save(file, upload);
    expect(store.find(file)).toMatchObject({ ...upload, name: "film.mov", size: file.size });
    expect(store.find({ ...file, size: 1 })).toBeNull();
    expect(createResumeStore(storage, "req2", () => now).interrupted()).toEqual([]);
    expect(store.interrupted().map((entry) => entry.name)).toEqual(["film.mov"]);
    store.forget(file);
    expect(store.interrupted()).toEqual([]);

    store.save(file, upload);
    now += RESUME_MAX_AGE_MS;
    expect(store.find(file)).toBeNull();
    expect(store.interrupted()).toEqual([]);
    expect(storage.map.size).toBe(0);
  });

  it("ignores entries it cannot read, and works without storage", () => {
    const storage = memoryStorage();
    storage.setItem(fingerprint("req1", file), "{not json");
    const store = createResumeStore(storage, "req1");
    expect(store.find(file)).toBeNull();
    const none = createResumeStore(null, "req1");
    none.save(file, upload);
    expect(none.find(file)).toBeNull();
    expect(none.interrupted()).toEqual([]);
  });
});
