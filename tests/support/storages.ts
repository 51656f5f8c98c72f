/**
 * Storage tests run against every local S3 server (OpenStack Swift s3api and Ceph RGW), started
 * once per run by tests/support/services.ts. Not a test file (vitest only collects *.test.ts).
 *
 *   describe.each(storageCases())("on $name", (storage) => {
 *     const s3 = adminS3For(storage);
 *     it("…", async () => { … connection made from `storage` … });
 *   });
 *
 * `storageCases({ versioning: true })` keeps the servers that implement bucket versioning (Ceph).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { inject } from "vitest";
import { s3ClientFor } from "@/lib/dev/s3";
import type { TestStorage } from "./services";

export type { TestStorage } from "./services";

/** The local S3 servers, optionally only those with (or without) bucket versioning. */
export function storageCases(filter: { versioning?: boolean } = {}): TestStorage[] {
  const all = inject("services").storages;
  if (!all?.length) throw new Error("The test services list no storages: tests/support/services.ts starts them.");
  const cases = all.filter((storage) => filter.versioning === undefined || storage.versioning === filter.versioning);
  if (cases.length === 0) throw new Error(`No local S3 server matches ${JSON.stringify(filter)}.`);
  return cases;
}

/** A client of one local S3 server, for arranging buckets and objects (not the app's code path). */
export function adminS3For(storage: TestStorage): S3Client {
  return s3ClientFor(storage);
}
