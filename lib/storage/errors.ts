/**
 * Storage failures in words a user can act on. The raw error (which may quote a signed request)
 * is never shown; `describeStorageError` reads only its name, status and network code.
 */
import { STORAGE_DEADLINE_MS } from "@/lib/storage/deadline";

export type StorageProblem =
  | "bad_credentials"
  | "access_denied"
  | "no_such_bucket"
  | "no_such_key"
  | "unreachable"
  | "tls"
  | "wrong_region"
  | "clock_skew"
  | "expired_credentials"
  | "timeout"
  | "unknown";

export type StorageErrorInfo = { problem: StorageProblem; title: string; message: string; fix: "edit" | "retry" | "none" };

const NETWORK_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "TimeoutError", "StorageDeadline", "RequestTimeout", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]);
const TLS_CODE = /^(ERR_TLS|CERT_|UNABLE_TO_VERIFY|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|ERR_SSL)/;

function chain(error: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && out.length < 6) {
    out.push(current as Record<string, unknown>);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

const info = (problem: StorageProblem, title: string, message: string, fix: StorageErrorInfo["fix"]): StorageErrorInfo => ({
  problem,
  title,
  message,
  fix,
});

export function describeStorageError(error: unknown): StorageErrorInfo {
  const links = chain(error);
  const names = links.flatMap((e) => [e.name, e.Code, e.code].filter((v): v is string => typeof v === "string"));
  const status = links.map((e) => (e.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode).find(Boolean);
  const has = (...candidates: string[]) => names.some((n) => candidates.includes(n));

  if (has("SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidClientTokenId", "AuthorizationHeaderMalformed") && !has("AuthorizationHeaderMalformed")) {
    return info(
      "bad_credentials",
      "Wrong access key or secret",
      "The storage service did not accept the access key ID or secret access key (signature mismatch). Check both, then save the connection again.",
      "edit",
    );
  }
  if (has("ExpiredToken", "TokenRefreshRequired", "InvalidToken")) {
    return info(
      "expired_credentials",
      "Temporary credentials have expired",
      "The session token of this connection is no longer valid. Paste fresh temporary credentials into the connection.",
      "edit",
    );
  }
  if (has("RequestTimeTooSkewed")) {
    return info(
      "clock_skew",
      "This server's clock is off",
      "The storage service refused the request because this server's clock differs too much from its own. Synchronise the clock (NTP) and retry.",
      "retry",
    );
  }
  if (has("AuthorizationHeaderMalformed", "PermanentRedirect", "IllegalLocationConstraintException", "InvalidRegion", "IncorrectEndpoint") || status === 301) {
    return info(
      "wrong_region",
      "Wrong region or endpoint",
      "The bucket lives in another region or behind another endpoint. Set the connection's region (and endpoint) to the bucket's own.",
      "edit",
    );
  }
  if (has("NoSuchBucket")) {
    return info(
      "no_such_bucket",
      "Bucket not found",
      "This bucket does not exist (any more) at this endpoint. Check its name or the connection's endpoint.",
      "edit",
    );
  }
  if (has("NoSuchKey", "NotFound") || status === 404) {
    return info("no_such_key", "Object not found", "This object does not exist (any more). It may have been deleted or renamed.", "none");
  }
  if (has("AccessDenied", "Forbidden", "AllAccessDisabled", "AccountProblem") || status === 403) {
    return info(
      "access_denied",
      "Access denied",
      "The credentials are valid but may not do this here. Give the key permission for this bucket (or list the buckets it may use in the connection).",
      "edit",
    );
  }
  if (names.some((n) => TLS_CODE.test(n))) {
    return info(
      "tls",
      "Secure connection failed",
      "The endpoint's TLS certificate could not be verified. Check the endpoint address (https vs http) and its certificate.",
      "edit",
    );
  }
  if (names.some((n) => TIMEOUT_CODES.has(n))) {
    return info(
      "timeout",
      "Storage did not answer in time",
      `The endpoint did not answer within ${STORAGE_DEADLINE_MS / 1000} seconds. It may be down, overloaded or not an S3 service; retry, or check the endpoint address.`,
      "retry",
    );
  }
  if (names.some((n) => NETWORK_CODES.has(n))) {
    const dns = has("ENOTFOUND", "EAI_AGAIN");
    return info(
      "unreachable",
      "Endpoint unreachable",
      dns
        ? "The endpoint's host name could not be resolved (DNS). Check the endpoint address."
        : "Nothing answered at the endpoint address (connection refused or network unreachable). Check the endpoint and that the service is running, then retry.",
      dns ? "edit" : "retry",
    );
  }
  return info(
    "unknown",
    "Storage request failed",
    "The storage service returned an unexpected error. Retry; if it persists, check the connection's settings.",
    "retry",
  );
}
