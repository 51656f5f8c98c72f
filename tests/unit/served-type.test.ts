import { describe, expect, it } from "vitest";
import { openedFileType, openedType, passiveInlineType, savedType, servedType } from "@/lib/links/served-type";

const inline = (objectContentType: string | null, contentTypeOverride: string | null = null) =>
  servedType({ disposition: "inline", fileName: "file.bin", contentTypeOverride, objectContentType });

describe("the type a managed link's download URL forces", () => {
  it("forces the passive type recorded at share time for an inline link", () => {
    expect(inline("image/png")).toEqual({ responseContentDisposition: 'inline; filename="file.bin"', responseContentType: "image/png" });
    expect(inline("Application/PDF; foo=bar")).toEqual({ responseContentDisposition: 'inline; filename="file.bin"', responseContentType: "application/pdf" });
    expect(inline("text/plain; charset=utf-8").responseContentType).toBe("text/plain");
  });

  it("serves active, generic, missing and malformed types as a download of application/octet-stream", () => {
    const download = { responseContentDisposition: 'attachment; filename="file.bin"', responseContentType: "application/octet-stream" };
    for (const type of [
      "text/html",
      "TEXT/HTML; charset=utf-8",
      "image/svg+xml",
      "application/xhtml+xml",
      "text/xml",
      "application/rss+xml",
      "text/javascript",
      "application/octet-stream",
      "binary/octet-stream",
      "",
      null,
      "unknown/unknown",
      "application/unknown",
      "*/*",
      "html",
      "text/html garbage",
      "text/",
    ]) {
      expect(inline(type), String(type)).toEqual(download);
    }
  });

  it("keeps the owner's override and leaves attachments to the browser's save dialog", () => {
    expect(inline("text/html", "application/x-report")).toEqual({
      responseContentDisposition: 'inline; filename="file.bin"',
      responseContentType: "application/x-report",
    });
    expect(servedType({ disposition: "attachment", fileName: "page.html", contentTypeOverride: null, objectContentType: "text/html" })).toEqual({
      responseContentDisposition: 'attachment; filename="page.html"',
    });
  });

  it("names only types a browser shows without running anything", () => {
    expect(passiveInlineType("video/mp4")).toBe("video/mp4");
    expect(passiveInlineType("image/svg+xml")).toBeNull();
    expect(passiveInlineType(undefined)).toBeNull();
  });
});

describe("the recipient's Download and Open", () => {
  const link = (disposition: "inline" | "attachment", objectContentType: string | null, contentTypeOverride: string | null = null) => ({
    disposition,
    fileName: "Été.png",
    contentTypeOverride,
    objectContentType,
  });
  const attachment = `attachment; filename="Ete.png"; filename*=UTF-8''%C3%89t%C3%A9.png`;

  it("Download always saves, under the link's file name, whatever the disposition", () => {
    expect(savedType(link("inline", "image/png"))).toEqual({ responseContentDisposition: attachment, responseContentType: "image/png" });
    expect(savedType(link("inline", "text/html"))).toEqual({ responseContentDisposition: attachment, responseContentType: "application/octet-stream" });
    expect(savedType(link("attachment", "image/png"))).toEqual({ responseContentDisposition: attachment });
  });

  it("Open shows inline only an inline link's passive type (image, PDF, audio, video, text)", () => {
    for (const type of ["image/png", "application/pdf", "audio/mpeg", "video/mp4", "text/plain"]) {
      expect(openedType(link("inline", type)), type).toEqual({
        responseContentDisposition: `inline; filename="Ete.png"; filename*=UTF-8''%C3%89t%C3%A9.png`,
        responseContentType: type,
      });
    }
    expect(openedType(link("inline", "text/plain", "text/plain; charset=utf-8"))?.responseContentType).toBe("text/plain; charset=utf-8");
    for (const type of ["text/html", "image/svg+xml", "application/octet-stream", null, "application/zip"]) {
      expect(openedType(link("inline", type)), String(type)).toBeNull();
    }
    expect(openedType(link("inline", "image/png", "application/x-report"))).toBeNull();
    expect(openedType(link("attachment", "image/png"))).toBeNull();
  });

  it("Open of one file of a multi-file share: the same passive types, inline under the file's own name", () => {
    for (const type of ["image/png", "application/pdf", "audio/mpeg", "video/mp4", "text/plain"]) {
      expect(openedFileType({ path: "photos/Été.png", contentType: type }), type).toEqual({
        responseContentDisposition: `inline; filename="Ete.png"; filename*=UTF-8''%C3%89t%C3%A9.png`,
        responseContentType: type,
      });
    }
    for (const type of ["text/html", "image/svg+xml", "application/xhtml+xml", "application/octet-stream", null, "application/zip"]) {
      expect(openedFileType({ path: "photos/Été.png", contentType: type }), String(type)).toBeNull();
    }
  });
});
