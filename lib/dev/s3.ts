import { S3Client } from "@aws-sdk/client-s3";

/** Tools for arranging buckets and objects on the local S3 server (tests, demo, benchmarks; dev tooling, never imported by the app). */

export type S3Endpoint = { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };

/** A local S3 server started for tests, the demo or benches: its data folder, and how to stop it. */
export type LocalS3Server = S3Endpoint & { region: "us-east-1"; dir: string; stop(): Promise<void> };

/** A plain client of the local server (path-style; checksums only when required, as in the app). */
export function s3ClientFor(server: S3Endpoint): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Runs `work` over `items`, at most `limit` at a time; stops at the first failure. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
