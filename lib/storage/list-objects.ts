import "server-only";
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { parseXML } from "@aws-sdk/xml-builder";
import { REQUEST_TIMEOUT_MS } from "@/lib/storage/client";
import type { UrlPresigner } from "@/lib/storage/presign";
import { RequestOnce, retryable, StorageAnswerError } from "@/lib/storage/signed-request";

/**
 * ListObjectsV2 without the AWS SDK's command stack: a GET of the bucket signed by the one signer (in its headers, as
 * the SDK signs), sent with node:http (lib/storage/signed-request.ts), its XML read by the SDK's own parser
 * (`@aws-sdk/xml-builder`, what `ListObjectsV2Command` parses with). Every folder page makes one; through the SDK's
 * middleware it cost about 5 ms of CPU against 1.4 ms here (`npm run bench:list`, docs/benchmarks.md), and on a folder
 * page that CPU is on the way to the rows.
 *
 * Like the SDK's clients (maxAttempts 2, REQUEST_TIMEOUT_MS an attempt), a network error, an attempt out of time or a
 * 5xx/429 is tried once more. The caller bounds the whole (its `signal`: lib/storage/deadline.ts). Each listing carries one `amz-sdk-invocation-id`, kept across its
 * retry, as the SDK's calls do, so that a storage's logs count one listing.
 */

export type ListedObject = { key: string; size: number; lastModified: Date | null; etag: string | null; storageClass: string | null };

export type ObjectListing = {
  objects: ListedObject[];
  /** The common prefixes (folders), as storage gives them. */
  prefixes: string[];
  /** Where the next page starts, when storage says the listing is truncated. */
  nextToken: string | null;
};

export type ListObjectsInput = { bucket: string; prefix: string; delimiter?: string; maxKeys: number; continuationToken?: string };

type Element = Record<string, unknown>;

/** An element that may repeat, as the parser gives it: absent, one, or several. */
function many(value: unknown): unknown[] {
  if (value === undefined || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

function objectOf(entry: unknown): ListedObject | null {
  if (entry === null || typeof entry !== "object") return null;
  const element = entry as Element;
  const key = text(element.Key);
  if (key === null) return null;
  const size = Number(text(element.Size) ?? 0);
  const bytes = Number.isSafeInteger(size) && size >= 0 ? size : 0;
  const modified = text(element.LastModified);
  const lastModified = modified === null ? null : new Date(modified);
  return {
    key,
    size: bytes,
    lastModified: lastModified !== null && Number.isFinite(lastModified.getTime()) ? lastModified : null,
    etag: text(element.ETag),
    storageClass: text(element.StorageClass),
  };
}

/**
 * A storage's XML, parsed, or null where it is no answer S3 gives. A DOCTYPE is refused before parsing: S3 never sends
 * one, and the parser looks for it by lower-casing the whole text at every top-level node, so an answer of DOCTYPEs
 * would hold the process for minutes.
 */
function parsed(xml: string): Element | null {
  if (/<!doctype/i.test(xml)) return null;
  try {
    return parseXML(xml) as Element;
  } catch {
    return null;
  }
}

/** The ListBucketResult of a 2xx answer; a StorageAnswerError (not tried again) for anything else. */
export function readListing(xml: string, status = 200): ObjectListing {
  const root = parsed(xml)?.ListBucketResult;
  // An empty <ListBucketResult/> comes back from the parser as "".
  if (root !== "" && (root === null || typeof root !== "object")) throw new StorageAnswerError("ListObjectsV2", status, "NotAListing");
  const result = (root === "" ? {} : root) as Element;
  const objects: ListedObject[] = [];
  for (const entry of many(result.Contents)) {
    const object = objectOf(entry);
    if (object !== null) objects.push(object);
  }
  const prefixes: string[] = [];
  for (const entry of many(result.CommonPrefixes)) {
    const prefix = entry !== null && typeof entry === "object" ? text((entry as Element).Prefix) : null;
    if (prefix !== null) prefixes.push(prefix);
  }
  const truncated = text(result.IsTruncated) === "true";
  return { objects, prefixes, nextToken: truncated ? text(result.NextContinuationToken) || null : null };
}

/** The S3 error code of a refusal's XML body (`<Error><Code>…</Code></Error>`), when it has one. */
function errorCode(body: Buffer | null): string | null {
  if (body === null || body.length === 0) return null;
  const error = parsed(body.toString("utf8"))?.Error;
  return error !== null && typeof error === "object" ? text((error as Element).Code) || null : null;
}

type Answer = { ok: true; listing: ObjectListing } | { ok: false; status: number; code: string | null };

function answerOf(response: IncomingMessage, body: Buffer | null): Answer {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { ok: true, listing: readListing(body?.toString("utf8") ?? "", status) };
  return { ok: false, status, code: errorCode(body) ?? text(response.headers["x-amz-error-code"]) };
}

/**
 * One page of ListObjectsV2. Rejects with a StorageAnswerError for a refusal (its S3 code named, as the SDK's errors
 * are: describeStorageError reads it), a network error, or the `signal`'s reason.
 */
export async function listObjectsV2(presigner: UrlPresigner, input: ListObjectsInput, signal: AbortSignal | null): Promise<ObjectListing> {
  const query: Record<string, string> = { "list-type": "2", prefix: input.prefix, "max-keys": String(input.maxKeys) };
  if (input.delimiter !== undefined) query.delimiter = input.delimiter;
  if (input.continuationToken) query["continuation-token"] = input.continuationToken;
  const invocation = randomUUID();
  for (let attempt = 1; ; attempt++) {
    const signed = presigner.signBucketRequest({ method: "GET", bucket: input.bucket, query });
    const headers = { ...signed.headers, "amz-sdk-invocation-id": invocation };
    try {
      const attemptDeadline = { at: performance.now() + REQUEST_TIMEOUT_MS, ms: REQUEST_TIMEOUT_MS };
      const answer = await new RequestOnce("GET", signed.url, headers, signal, attemptDeadline, answerOf).answer;
      if (answer.ok) return answer.listing;
      if (!retryable(answer.status) || attempt >= 2) throw new StorageAnswerError("ListObjectsV2", answer.status, answer.code);
    } catch (error) {
      if (error instanceof StorageAnswerError || signal?.aborted || attempt >= 2) throw error;
    }
  }
}
