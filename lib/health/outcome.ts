/**
 * A health check's verdict on one link (or one file of a multi-file share): what the link pins and
 * what storage answered to HeadObject of the current object decide one outcome. Pure: the checker
 * makes the call (and classifies a thrown SDK error with storageAnswerOf), this decides.
 *
 * - OK: the object is there and is still the one that was shared.
 * - Missing: no current object (deleted, a delete marker, or its bucket is gone).
 * - Changed: another version or ETag than the pin (the recipient would get other bytes, or a managed
 *   link refuses them): the same rule recipients meet (lib/links/pin.ts).
 * - Access denied: the credentials are refused (key rotated, secret wrong, session ended, policy changed).
 * - Connection failing: storage did not answer, or answered with a fault (5xx, a timeout, a network error).
 * - Dies early: a direct link signed with temporary credentials that end before the expiry asked for;
 *   `trueEnd` is when it really stops.
 * A managed link with "Always the latest version" (not pinned) is only OK, Missing or Connection failing:
 * any new content is what it serves, and a refusal of the connection's credentials is that connection failing.
 * A throttled check (429, 503, SlowDown) gives no verdict (`outcome: null`): keep the last one, check
 * again later, and slow down (`slowDown`).
 */
import type { LinkKind } from "@/lib/links/expiry";
import { pinDecision } from "@/lib/links/pin";

export const HEALTH_OUTCOMES = ["ok", "missing", "changed", "access_denied", "connection_failing", "dies_early"] as const;
export type HealthOutcome = (typeof HEALTH_OUTCOMES)[number];

/** The words the owner reads for each outcome. */
export const HEALTH_LABELS: Record<HealthOutcome, string> = {
  ok: "OK",
  missing: "Missing",
  changed: "Changed",
  access_denied: "Access denied",
  connection_failing: "Connection failing",
  dies_early: "Dies early",
};

/** Outcomes that need the owner's attention (the history's "Needs attention"): every one but OK. */
export function needsAttention(outcome: HealthOutcome | null): boolean {
  return outcome !== null && outcome !== "ok";
}

/** What one health check looks at: a link's one object, or one file of a multi-file share. */
export type HealthPin = {
  kind: LinkKind;
  /** "object": the link's object (Quick Share); "file": one entry of a multi-file share (always managed and pinned). */
  entry: "object" | "file";
  /** false: "Always the latest version" (managed links only; direct links and multi-file entries are pinned). */
  pinned: boolean;
  objectEtag: string | null;
  /** The pinned version (versioned buckets); otherwise the ETag is the pin. */
  objectVersionId: string | null;
  /** The expiry asked for (requestedExpiresAt); null when the link never expires. */
  requestedExpiresAt: Date | null;
  /** Direct links: when the temporary credentials its URL was signed with end; null for long-lived keys. */
  credentialsEndAt: Date | null;
};

/** What a share_links row stores, as far as health needs it. */
export type StoredLink = {
  kind: LinkKind;
  pinned: boolean;
  objectEtag: string | null;
  objectVersionId: string | null;
  neverExpires: boolean;
  requestedExpiresAt: Date;
  expiresAt: Date;
};

/**
 * The pin of a link's one object, from its row alone: a direct link issued on temporary credentials
 * was stored with expiresAt = their end, earlier than requestedExpiresAt (lib/links/issue.ts), and
 * its URL keeps those credentials whatever the connection holds later; so no column is needed.
 */
export function healthPinOf(link: StoredLink): HealthPin {
  const limited = link.kind === "direct" && !link.neverExpires && link.expiresAt.getTime() < link.requestedExpiresAt.getTime();
  return {
    kind: link.kind,
    entry: "object",
    pinned: link.kind === "direct" ? true : link.pinned,
    objectEtag: link.objectEtag,
    objectVersionId: link.objectVersionId,
    requestedExpiresAt: link.neverExpires ? null : link.requestedExpiresAt,
    credentialsEndAt: limited ? link.expiresAt : null,
  };
}

/** The pin of one file of a multi-file share (a snapshot: always managed and pinned, by its own ETag or version). */
export function healthPinOfFile(
  link: Pick<StoredLink, "neverExpires" | "requestedExpiresAt">,
  file: { etag: string | null; versionId: string | null },
): HealthPin {
  return {
    kind: "managed",
    entry: "file",
    pinned: true,
    objectEtag: file.etag,
    objectVersionId: file.versionId,
    requestedExpiresAt: link.neverExpires ? null : link.requestedExpiresAt,
    credentialsEndAt: null,
  };
}

/** What storage answered to HeadObject of the current object. */
export type StorageAnswer =
  | { type: "found"; etag: string | null; versionId: string | null; size: number | null }
  /** An HTTP error answer: its status and S3 error code (a HEAD answer has no body, so often only the status). */
  | { type: "error"; status: number | null; code: string | null }
  /** No HTTP answer: a timeout, or a network error (refused, reset, DNS, TLS). */
  | { type: "unreachable"; code: string | null };

/** Why the outcome is what it is (for the log and the health history); stable names. */
export type HealthCause =
  | "found"
  | "etag_changed"
  | "version_changed"
  | "no_such_key"
  | "no_such_bucket"
  | "access_denied"
  | "bad_credentials"
  | "expired_credentials"
  | "throttled"
  | "server_error"
  | "timeout"
  | "network"
  | "unexpected_answer"
  | "credentials_end_first";

export type HealthDecision = {
  /** null: no verdict (throttled): keep the last outcome and check again later. */
  outcome: HealthOutcome | null;
  cause: HealthCause;
  /** When the link really stops working, if that is before the expiry asked for (a direct link on temporary credentials). */
  trueEnd: Date | null;
  /** The checker should slow down on this connection (the provider throttles). */
  slowDown: boolean;
};

const THROTTLE_CODES = new Set(["SlowDown", "TooManyRequests", "Throttling", "ThrottlingException", "RequestLimitExceeded", "ServiceUnavailable"]);
const MISSING_KEY_CODES = new Set(["NoSuchKey", "NotFound", "NoSuchVersion"]);
const BAD_CREDENTIAL_CODES = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId"]);
const EXPIRED_CREDENTIAL_CODES = new Set(["ExpiredToken", "InvalidToken", "TokenRefreshRequired"]);
const DENIED_CODES = new Set(["AccessDenied", "Forbidden", "AllAccessDisabled", "AccountProblem"]);
const TIMEOUT_CODES = new Set(["TimeoutError", "StorageDeadline", "RequestTimeout", "ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "AbortError"]);

/** The direct link's true end when its credentials end before the expiry asked for; else null. */
export function diesEarlyAt(pin: HealthPin): Date | null {
  if (pin.kind !== "direct" || !pin.credentialsEndAt) return null;
  if (pin.requestedExpiresAt && pin.credentialsEndAt.getTime() >= pin.requestedExpiresAt.getTime()) return null;
  return pin.credentialsEndAt;
}

/** The outcome and cause of storage's answer alone (before the pin's own end is considered). */
function answerVerdict(pin: HealthPin, answer: StorageAnswer): { outcome: HealthOutcome | null; cause: HealthCause; slowDown: boolean } {
  const latest = pin.kind === "managed" && !pin.pinned && pin.entry === "object";
  switch (answer.type) {
    case "found": {
      if (latest) return { outcome: "ok", cause: "found", slowDown: false };
      const decision = pinDecision(
        { pinned: true, objectEtag: pin.objectEtag, objectVersionId: pin.objectVersionId },
        { found: true, etag: answer.etag, versionId: answer.versionId },
      );
      if (decision.ok) return { outcome: "ok", cause: "found", slowDown: false };
      return { outcome: "changed", cause: pin.objectVersionId ? "version_changed" : "etag_changed", slowDown: false };
    }
    case "unreachable": {
      const timeout = answer.code !== null && TIMEOUT_CODES.has(answer.code);
      return { outcome: "connection_failing", cause: timeout ? "timeout" : "network", slowDown: false };
    }
    case "error": {
      const { status, code } = answer;
      const is = (codes: Set<string>) => code !== null && codes.has(code);
      if (status === 429 || status === 503 || is(THROTTLE_CODES)) return { outcome: null, cause: "throttled", slowDown: true };
      const denied = (cause: HealthCause) => ({ outcome: latest ? ("connection_failing" as const) : ("access_denied" as const), cause, slowDown: false });
      if (is(BAD_CREDENTIAL_CODES)) return denied("bad_credentials");
      if (is(EXPIRED_CREDENTIAL_CODES)) return denied("expired_credentials");
      if (code === "NoSuchBucket") return { outcome: "missing", cause: "no_such_bucket", slowDown: false };
      if (is(MISSING_KEY_CODES) || status === 404) return { outcome: "missing", cause: "no_such_key", slowDown: false };
      if (is(DENIED_CODES) || status === 403 || status === 401) return denied("access_denied");
      if (status !== null && status >= 500) return { outcome: "connection_failing", cause: "server_error", slowDown: false };
      if (is(TIMEOUT_CODES)) return { outcome: "connection_failing", cause: "timeout", slowDown: false };
      // A 400 (wrong region, a malformed request), a redirect, or nothing known: the connection is not working for this.
      return { outcome: "connection_failing", cause: "unexpected_answer", slowDown: false };
    }
    default: {
      const unknown: never = answer;
      throw new TypeError(`Unknown storage answer: ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The outcome of one check. A broken link now (Missing, Changed, Access denied, Connection failing)
 * outranks Dies early (a break to come); `trueEnd` is given whenever the link dies early, whatever
 * the outcome, so the owner also sees when it will stop.
 */
export function decideHealth(pin: HealthPin, answer: StorageAnswer): HealthDecision {
  const trueEnd = diesEarlyAt(pin);
  const verdict = answerVerdict(pin, answer);
  if (verdict.outcome === "ok" && trueEnd) return { outcome: "dies_early", cause: "credentials_end_first", trueEnd, slowDown: false };
  return { ...verdict, trueEnd };
}

/** How bad an outcome is: the first is the worst (a link's outcome over its files is the worst of theirs). */
const SEVERITY: readonly HealthOutcome[] = ["missing", "changed", "access_denied", "connection_failing", "dies_early", "ok"];

/**
 * A multi-file share's outcome from its files' decisions (a sample or a full pass): the worst one, or
 * null when none gave a verdict (all throttled, or none checked). `slowDown` when any asked for it.
 */
export function combineDecisions(decisions: readonly HealthDecision[]): {
  outcome: HealthOutcome | null;
  slowDown: boolean;
  counts: Partial<Record<HealthOutcome, number>>;
} {
  const counts: Partial<Record<HealthOutcome, number>> = {};
  let worst: HealthOutcome | null = null;
  for (const d of decisions) {
    if (d.outcome === null) continue;
    counts[d.outcome] = (counts[d.outcome] ?? 0) + 1;
    if (worst === null || SEVERITY.indexOf(d.outcome) < SEVERITY.indexOf(worst)) worst = d.outcome;
  }
  return { outcome: worst, slowDown: decisions.some((d) => d.slowDown), counts };
}

function errorChain(error: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && out.length < 6) {
    out.push(current as Record<string, unknown>);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

/**
 * A thrown AWS SDK (or network) error as a StorageAnswer: an HTTP answer when the error carries a
 * status ($metadata.httpStatusCode), else unreachable. Reads only names, codes and the status, never
 * the message (it can quote a signed request).
 */
export function storageAnswerOf(error: unknown): StorageAnswer {
  const links = errorChain(error);
  const status = links.map((e) => (e.$metadata as { httpStatusCode?: unknown } | undefined)?.httpStatusCode).find((s): s is number => typeof s === "number");
  const names = links.flatMap((e) => [e.Code, e.code, e.name].filter((v): v is string => typeof v === "string" && v !== "Error"));
  if (status !== undefined) {
    // The SDK names a body-less HEAD error by its status ("NotFound", "Forbidden", "403"): prefer an S3 code.
    return { type: "error", status, code: names[0] ?? null };
  }
  // A timeout first, then a system code (ECONNRESET, UND_ERR_…) over a generic name ("TypeError: fetch failed").
  const timeout = names.find((n) => TIMEOUT_CODES.has(n));
  const system = names.find((n) => /^(E[A-Z_]+|UND_ERR_[A-Z_]+|ERR_[A-Z_]+)$/.test(n));
  return { type: "unreachable", code: timeout ?? system ?? names[0] ?? null };
}
