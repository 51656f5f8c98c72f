import { afterEach, describe, expect, it, vi } from "vitest";
import { createAheadCache, createEngine, PART_SIZE } from "@/components/browser/upload-engine";
import { SIGN_AHEAD } from "@/lib/uploads/parts";
import {
  documentAllowsUploads,
  filesFromDrop,
  filesFromInput,
  readBegin,
  settled,
  soleUpload,
  totals,
  type UploadItem,
  uploadErrorMessage,
} from "@/components/browser/upload-plan";

function item(partial: Partial<UploadItem>): UploadItem {
  return { id: "u1", path: "a.txt", size: 10, state: "uploading", bytes: 0, ...partial };
}

describe("what beginUploadAction answered", () => {
  it("an upload to send, a clash to ask about, an empty file written at once", () => {
    expect(readBegin({ status: "success", data: { id: "r1", key: "in/a.txt", partSize: PART_SIZE, partCount: 4, uploadId: "U" } })).toEqual({
      kind: "upload",
      id: "r1",
      key: "in/a.txt",
      partSize: PART_SIZE,
      partCount: 4,
      uploadId: "U",
    });
    expect(readBegin({ status: "success", data: { conflict: { key: "in/a.txt", size: 3, lastModified: "2026-12-07T00:00:00.000Z" } } })).toEqual({
      kind: "conflict",
      key: "in/a.txt",
      size: 3,
      lastModified: "2026-12-07T00:00:00.000Z",
    });
    expect(readBegin({ status: "success", data: { done: true, key: "in/empty.txt" } })).toEqual({ kind: "done", key: "in/empty.txt" });
  });

  it("a refusal keeps the server's words; an answer without an upload is a refusal too", () => {
    expect(readBegin({ status: "error", message: "You may not upload here. Nothing was changed." })).toEqual({
      kind: "refused",
      message: "You may not upload here. Nothing was changed.",
    });
    expect(readBegin({ status: "invalid", message: "Check the file.", fieldErrors: { path: ["A name may not be “..”."] } })).toEqual({
      kind: "refused",
      message: "Check the file. A name may not be “..”.",
    });
    expect(readBegin({ status: "success", data: { key: "x" } }).kind).toBe("refused");
  });
});

describe("picked and dropped files keep their relative paths", () => {
  it("a folder pick keeps its structure; a file pick its name", () => {
    const inFolder = new File(["x"], "a.jpg");
    Object.defineProperty(inFolder, "webkitRelativePath", { value: "photos/2026/a.jpg" });
    const loose = new File(["y"], "b.pdf");
    const list = [inFolder, loose] as unknown as FileList;
    expect(filesFromInput(list).map((f) => f.path)).toEqual(["photos/2026/a.jpg", "b.pdf"]);
  });

  it("a dropped folder is read down to its files (entries in batches)", async () => {
    const file = (name: string) => ({ isFile: true, isDirectory: false, name, file: (ok: (f: File) => void) => ok(new File([name], name)) });
    const dir = (name: string, children: object[]) => {
      const batches = [children, []];
      return { isFile: false, isDirectory: true, name, createReader: () => ({ readEntries: (ok: (e: object[]) => void) => ok(batches.shift() ?? []) }) };
    };
    const tree = dir("trip", [file("1.jpg"), dir("day 2", [file("2.jpg")])]);
    const data = {
      items: [
        { kind: "file", webkitGetAsEntry: () => tree, getAsFile: () => null },
        { kind: "file", webkitGetAsEntry: () => file("loose.txt"), getAsFile: () => new File(["l"], "loose.txt") },
      ],
      files: [],
    } as unknown as DataTransfer;
    expect((await filesFromDrop(data)).map((f) => f.path)).toEqual(["trip/1.jpg", "trip/day 2/2.jpg", "loose.txt"]);
  });
});

describe("progress of a batch", () => {
  it("counts bytes sent of the files not skipped", () => {
    const items = [item({ id: "1", size: 100, bytes: 50 }), item({ id: "2", size: 100, state: "done" }), item({ id: "3", size: 1000, state: "skipped" })];
    expect(totals(items)).toEqual({ bytes: 150, size: 200, done: 1, count: 2, percent: 75 });
    expect(settled(items)).toBe(false);
  });

  it("offers Quick Share only when exactly one file was uploaded and all settled", () => {
    expect(soleUpload([item({ state: "done", key: "in/a.txt" })])?.key).toBe("in/a.txt");
    expect(soleUpload([item({ state: "done", key: "k" }), item({ id: "2", state: "skipped" })])?.key).toBe("k");
    expect(soleUpload([item({ state: "done" }), item({ id: "2", state: "done" })])).toBeNull();
    expect(soleUpload([item({ state: "done" }), item({ id: "2", state: "failed" })])).toBeNull();
    expect(soleUpload([item({ state: "uploading" })])).toBeNull();
  });
});

describe("whether this document's CSP lets parts reach storage", () => {
  it("documents loaded on the bucket browser (this connection, or the list of connections) do; others do not", () => {
    expect(documentAllowsUploads("/buckets/c1/photos/in", "c1")).toBe(true);
    expect(documentAllowsUploads("/buckets/c1", "c1")).toBe(true);
    expect(documentAllowsUploads("/buckets", "c1")).toBe(true);
    expect(documentAllowsUploads("/buckets/c2/photos", "c1")).toBe(false);
    expect(documentAllowsUploads("/links", "c1")).toBe(false);
  });
});

describe("upload errors", () => {
  it("say the app's or storage's message, never a stack", () => {
    expect(
      uploadErrorMessage(Object.assign(new Error("S3 returned 409"), { body: "<Error><Code>BadParts</Code><Message>Part 2 is missing.</Message></Error>" })),
    ).toBe("Part 2 is missing.");
    expect(uploadErrorMessage(new Error("Network error during S3 request"))).toMatch(/could not be reached/);
    expect(uploadErrorMessage("?")).toBe("The upload failed.");
  });
});

describe("the Uppy set-up (THE CONTRACT)", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("always multipart in 8 MiB parts, under the server's key, every request signed by the app with the upload's id", async () => {
    const uppy = createEngine();
    const plugin = uppy.getPlugin("AwsS3") as unknown as { opts: Record<string, (...args: never[]) => unknown> & { shouldUseMultipart: boolean } };
    expect(plugin.opts.shouldUseMultipart).toBe(true);
    expect(plugin.opts.getChunkSize!({ size: 30 * 1024 * 1024 } as never)).toBe(8 * 1024 * 1024);
    uppy.addFile({
      name: "a.bin",
      type: "application/octet-stream",
      data: new Blob(["abc"]),
      meta: { uploadId: "row-1", key: "in/a.bin", localId: "u1", relativePath: "u1/a.bin" },
    });
    const file = uppy.getFiles()[0]!;
    expect(plugin.opts.generateObjectKey!(file as never)).toBe("in/a.bin");

    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ url: "https://s3.example.com/b/in/a.bin?X-Amz-Signature=x" }), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    const request = { method: "PUT", key: "in/a.bin", uploadId: "U", partNumber: 1 };
    await expect(plugin.opts.signRequest!(request as never)).resolves.toEqual({ url: "https://s3.example.com/b/in/a.bin?X-Amz-Signature=x" });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/uploads/sign");
    expect(init.method).toBe("POST");
    expect(JSON.parse(String(init.body))).toEqual({ id: "row-1", ...request, ahead: SIGN_AHEAD });

    fetchMock.mockImplementationOnce(async () => new Response(JSON.stringify({ detail: "Part 9 is out of range." }), { status: 400 }));
    await expect(plugin.opts.signRequest!({ ...request, partNumber: 9 } as never)).rejects.toThrow("Part 9 is out of range.");

    // Parts signed ahead are served without asking the app again, each once.
    fetchMock.mockImplementationOnce(
      async () =>
        new Response(JSON.stringify({ url: "https://s3.example.com/p3", next: [{ partNumber: 4, url: "https://s3.example.com/p4" }] }), { status: 200 }),
    );
    await expect(plugin.opts.signRequest!({ ...request, partNumber: 3 } as never)).resolves.toEqual({ url: "https://s3.example.com/p3" });
    const asked = fetchMock.mock.calls.length;
    await expect(plugin.opts.signRequest!({ ...request, partNumber: 4 } as never)).resolves.toEqual({ url: "https://s3.example.com/p4" });
    expect(fetchMock.mock.calls.length).toBe(asked);
    // A retry of part 4 (its URL was used) asks the app again.
    await plugin.opts.signRequest!({ ...request, partNumber: 4 } as never);
    expect(fetchMock.mock.calls.length).toBe(asked + 1);
    uppy.destroy();
  });

  it("a part URL signed ahead is used once, and not after 10 minutes", () => {
    let now = 0;
    const cache = createAheadCache(() => now);
    cache.keep("U", [
      { partNumber: 2, url: "u2" },
      { partNumber: 3, url: "u3" },
    ]);
    expect(cache.take("U", 2)).toBe("u2");
    expect(cache.take("U", 2)).toBeNull();
    expect(cache.take("V", 3)).toBeNull();
    now = 10 * 60_000;
    expect(cache.take("U", 3)).toBeNull();
  });
});
