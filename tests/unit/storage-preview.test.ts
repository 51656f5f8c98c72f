import { describe, expect, it } from "vitest";
import { isActiveType, previewPlan } from "@/lib/storage/preview";

describe("previewPlan", () => {
  it.each([
    ["photo.png", "image/png", { kind: "image", responseContentType: "image/png" }],
    ["photo.bin", "image/jpeg", { kind: "image", responseContentType: "image/jpeg" }],
    ["report", "application/pdf", { kind: "pdf", responseContentType: "application/pdf" }],
    ["song", "audio/mpeg", { kind: "audio", responseContentType: "audio/mpeg" }],
    ["clip", "video/mp4; codecs=avc1", { kind: "video", responseContentType: "video/mp4" }],
    ["notes", "text/plain; charset=utf-8", { kind: "text" }],
    ["data", "application/json", { kind: "text" }],
  ])("trusts a specific stored type: %s as %s", (key, type, plan) => {
    expect(previewPlan(key, type)).toEqual(plan);
  });

  it.each([
    ["invoice.pdf", null, { kind: "pdf", responseContentType: "application/pdf" }],
    ["invoice.pdf", "", { kind: "pdf", responseContentType: "application/pdf" }],
    ["invoice.PDF", "application/octet-stream", { kind: "pdf", responseContentType: "application/pdf" }],
    ["photo.jpg", "binary/octet-stream", { kind: "image", responseContentType: "image/jpeg" }],
    ["notes.md", "application/octet-stream", { kind: "text" }],
    ["archive.zip", "application/octet-stream", null],
  ])("uses the extension only when the stored type is empty or generic: %s (%s)", (key, type, plan) => {
    expect(previewPlan(key, type)).toEqual(plan);
  });

  it.each([
    ["invoice.pdf", "application/xhtml+xml"],
    ["invoice.pdf", "text/html"],
    ["photo.png", "image/svg+xml"],
    ["feed.txt", "application/rss+xml"],
    ["data.json", "text/xml"],
    ["notes.txt", "text/javascript"],
    ["x.png", "Text/HTML; charset=utf-8"],
  ])("gives no preview to an active stored type: %s as %s", (key, type) => {
    expect(previewPlan(key, type)).toBeNull();
  });

  it("does not take an extension's word over a specific stored type", () => {
    expect(previewPlan("invoice.pdf", "application/zip")).toBeNull();
    expect(previewPlan("picture.svg", "application/octet-stream")).toBeNull();
  });

  it("never forces an active type on a preview", () => {
    const keys = ["a.pdf", "a.png", "a.svg", "a.html", "a.xml", "a.mp4", "a.txt"];
    const types = [null, "application/octet-stream", "image/png", "application/pdf", "video/webm", "audio/ogg", "text/plain"];
    for (const key of keys) {
      for (const type of types) {
        const plan = previewPlan(key, type);
        if (plan && plan.kind !== "text") expect(isActiveType(plan.responseContentType), `${key} ${type}`).toBe(false);
      }
    }
  });
});
