/**
 * Shared set-up for integration tests that talk to the real S3 server and database: buckets and
 * objects made with the AWS SDK directly, users and connections made the way the app makes them.
 * The signed-in user is stood in for per test file (./request-context.ts: vi.mock is hoisted per
 * file); `next/cache` and `next/navigation` for all of them (the alias in vitest.config.ts).
 */
import { soleOwner } from "@/lib/auth/permissions";
import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { inject } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { s3ClientFor } from "@/lib/dev/s3";

export const services = inject("services");

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function randomSuffix(): string {
  return randomBytes(4).toString("hex");
}

/** A client of the test S3 server, for arranging buckets and objects (not the app's code path). */
export function adminS3(): S3Client {
  return s3ClientFor(services.s3);
}

export async function createBucket(s3: S3Client, prefix = "t"): Promise<string> {
  const name = `${prefix}-${randomSuffix()}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

export type SeedObject = { key: string; body: Uint8Array; contentType?: string };

export async function putObjects(s3: S3Client, bucket: string, objects: SeedObject[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const object = objects[next++]!;
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: object.contentType ?? "application/octet-stream" }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
}

/** A user of its own for one test file (unique email), as the session would return it. */
export async function createTestUser(label: string): Promise<SessionUser> {
  const user = await db.user.create({
    data: { name: `Test ${label}`, email: `${label}-${randomSuffix()}@integration.test`, passwordHash: "not-a-real-hash" },
    select: { id: true, name: true, email: true },
  });
  // The Owner of a team of their own, so that test files never see each other's connections and links.
  return { ...soleOwner(user.id), name: user.name, email: user.email };
}

/** Removes the file's users; their connections and links go with them (ON DELETE CASCADE). */
export async function deleteTestUsers(...users: (SessionUser | undefined)[]): Promise<void> {
  const ids = users.filter((u): u is SessionUser => Boolean(u)).map((u) => u.id);
  if (ids.length > 0) await db.user.deleteMany({ where: { id: { in: ids } } });
}

/** What a browser posts for a form. */
export function formData(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

/** The error our `next/navigation` stub throws for redirect(), as Next's own does. */
export type RedirectError = Error & { redirectTo: string };

export function isRedirect(error: unknown): error is RedirectError {
  return error instanceof Error && error.message === "NEXT_REDIRECT" && typeof (error as RedirectError).redirectTo === "string";
}

/** Runs an action that ends with redirect() on success; returns where it redirected, or its state. */
export async function runRedirectingAction<S>(run: () => Promise<S>): Promise<{ redirectTo: string } | { state: S }> {
  try {
    return { state: await run() };
  } catch (error) {
    if (isRedirect(error)) return { redirectTo: error.redirectTo };
    throw error;
  }
}

/** A 127.0.0.1 port nothing listens on (it was free a moment ago and was closed again). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** JSON of a raw database row (bigint columns included), to search it for plaintext. */
export function stringifyRow(row: unknown): string {
  return JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

export async function fetchBytes(url: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}
