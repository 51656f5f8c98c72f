import { describe, expect, it } from "vitest";
import { StorageTimeoutError, withStorageDeadline } from "@/lib/storage/deadline";
import { describeStorageError } from "@/lib/storage/errors";

describe("withStorageDeadline", () => {
  it("ends work that ignores its signal at the deadline, and aborts the signal", async () => {
    let seen: AbortSignal | undefined;
    const started = performance.now();
    const error = await withStorageDeadline(
      (signal) => {
        seen = signal;
        return new Promise(() => undefined);
      },
      { ms: 50 },
    ).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(StorageTimeoutError);
    expect(seen?.aborted).toBe(true);
    expect(describeStorageError(error)).toMatchObject({ problem: "timeout", title: "Storage did not answer in time", fix: "retry" });
  });

  it("returns what finishes in time", async () => {
    await expect(withStorageDeadline(async () => "done", { ms: 1_000 })).resolves.toBe("done");
  });

  it("ends when an enclosing deadline ends", async () => {
    const outer = new AbortController();
    const pending = withStorageDeadline(() => new Promise(() => undefined), { ms: 10_000, signal: outer.signal });
    outer.abort(new StorageTimeoutError(5));
    await expect(pending).rejects.toBeInstanceOf(StorageTimeoutError);
  });

  it("says the bound in the explanation", () => {
    expect(describeStorageError(new StorageTimeoutError(10_000)).message).toMatch(/did not answer within 10 seconds/);
  });
});
