import { describe, expect, it } from "vitest";
import {
  combineDecisions,
  decideHealth,
  healthPinOf,
  healthPinOfFile,
  HEALTH_LABELS,
  needsAttention,
  storageAnswerOf,
  type HealthDecision,
  type HealthOutcome,
  type HealthPin,
  type StorageAnswer,
} from "@/lib/health/outcome";

/**
 * Every pin kind × every storage answer (issue 18, item 2): the outcome, the true end of a link that
 * dies early, and whether the checker slows down.
 */

const WEEK = new Date("2026-12-08T10:00:00Z");
const HOUR = new Date("2026-12-01T11:00:00Z");
const ETAG = '"0f343b0931126a20f133d67c2b018a3b"';
const VERSION = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY";

const base = { requestedExpiresAt: WEEK, credentialsEndAt: null, objectEtag: ETAG, objectVersionId: null } as const;

const PINS = {
  "direct, pinned ETag": { ...base, kind: "direct", entry: "object", pinned: true },
  "direct on temporary credentials (ETag)": { ...base, kind: "direct", entry: "object", pinned: true, credentialsEndAt: HOUR },
  "managed, pinned ETag": { ...base, kind: "managed", entry: "object", pinned: true },
  "managed, pinned version": { ...base, kind: "managed", entry: "object", pinned: true, objectVersionId: VERSION },
  "managed, Always the latest version": { ...base, kind: "managed", entry: "object", pinned: false },
  "managed on temporary credentials": { ...base, kind: "managed", entry: "object", pinned: true, credentialsEndAt: HOUR },
  "multi-file entry, pinned ETag": { ...base, kind: "managed", entry: "file", pinned: true },
  "multi-file entry, pinned version": { ...base, kind: "managed", entry: "file", pinned: true, objectVersionId: VERSION },
} satisfies Record<string, HealthPin>;
type PinName = keyof typeof PINS;

const ANSWERS = {
  "found, same ETag": { type: "found", etag: ETAG, versionId: null, size: 10 },
  "found, same ETag unquoted": { type: "found", etag: ETAG.replaceAll('"', ""), versionId: null, size: 10 },
  "found, same version": { type: "found", etag: ETAG, versionId: VERSION, size: 10 },
  "found, other ETag": { type: "found", etag: '"ffff"', versionId: null, size: 11 },
  "found, newer version (same ETag)": { type: "found", etag: ETAG, versionId: "newer", size: 10 },
  "404 NoSuchKey": { type: "error", status: 404, code: "NoSuchKey" },
  "404 NotFound (HEAD, no body)": { type: "error", status: 404, code: "NotFound" },
  "404 NoSuchBucket": { type: "error", status: 404, code: "NoSuchBucket" },
  "403 AccessDenied": { type: "error", status: 403, code: "AccessDenied" },
  "403 Forbidden (HEAD, no body)": { type: "error", status: 403, code: "Forbidden" },
  "403 InvalidAccessKeyId": { type: "error", status: 403, code: "InvalidAccessKeyId" },
  "403 SignatureDoesNotMatch": { type: "error", status: 403, code: "SignatureDoesNotMatch" },
  "400 ExpiredToken": { type: "error", status: 400, code: "ExpiredToken" },
  "429 TooManyRequests": { type: "error", status: 429, code: "TooManyRequests" },
  "503 SlowDown": { type: "error", status: 503, code: "SlowDown" },
  "500 InternalError": { type: "error", status: 500, code: "InternalError" },
  "502 (a proxy)": { type: "error", status: 502, code: null },
  "301 PermanentRedirect (wrong region)": { type: "error", status: 301, code: "PermanentRedirect" },
  timeout: { type: "unreachable", code: "TimeoutError" },
  "connection refused": { type: "unreachable", code: "ECONNREFUSED" },
} satisfies Record<string, StorageAnswer>;
type AnswerName = keyof typeof ANSWERS;

type Expected = HealthOutcome | "throttled";
const PIN_NAMES = Object.keys(PINS) as PinName[];

/** The outcome each pin kind gets for the found answers; every other answer is the same for all pins but "latest" and "dies early". */
const FOUND: Record<PinName, Record<Extract<AnswerName, `found${string}`>, Expected>> = {
  "direct, pinned ETag": {
    "found, same ETag": "ok",
    "found, same ETag unquoted": "ok",
    "found, same version": "ok",
    "found, other ETag": "changed",
    "found, newer version (same ETag)": "ok",
  },
  "direct on temporary credentials (ETag)": {
    "found, same ETag": "dies_early",
    "found, same ETag unquoted": "dies_early",
    "found, same version": "dies_early",
    "found, other ETag": "changed",
    "found, newer version (same ETag)": "dies_early",
  },
  "managed, pinned ETag": {
    "found, same ETag": "ok",
    "found, same ETag unquoted": "ok",
    "found, same version": "ok",
    "found, other ETag": "changed",
    "found, newer version (same ETag)": "ok",
  },
  "managed, pinned version": {
    "found, same ETag": "changed",
    "found, same ETag unquoted": "changed",
    "found, same version": "ok",
    "found, other ETag": "changed",
    "found, newer version (same ETag)": "changed",
  },
  "managed, Always the latest version": {
    "found, same ETag": "ok",
    "found, same ETag unquoted": "ok",
    "found, same version": "ok",
    "found, other ETag": "ok",
    "found, newer version (same ETag)": "ok",
  },
  "managed on temporary credentials": {
    "found, same ETag": "ok",
    "found, same ETag unquoted": "ok",
    "found, same version": "ok",
    "found, other ETag": "changed",
    "found, newer version (same ETag)": "ok",
  },
  "multi-file entry, pinned ETag": {
    "found, same ETag": "ok",
    "found, same ETag unquoted": "ok",
    "found, same version": "ok",
    "found, other ETag": "changed",
    "found, newer version (same ETag)": "ok",
  },
  "multi-file entry, pinned version": {
    "found, same ETag": "changed",
    "found, same ETag unquoted": "changed",
    "found, same version": "ok",
    "found, other ETag": "changed",
    "found, newer version (same ETag)": "changed",
  },
};

const FAILURES: Record<Exclude<AnswerName, `found${string}`>, Expected> = {
  "404 NoSuchKey": "missing",
  "404 NotFound (HEAD, no body)": "missing",
  "404 NoSuchBucket": "missing",
  "403 AccessDenied": "access_denied",
  "403 Forbidden (HEAD, no body)": "access_denied",
  "403 InvalidAccessKeyId": "access_denied",
  "403 SignatureDoesNotMatch": "access_denied",
  "400 ExpiredToken": "access_denied",
  "429 TooManyRequests": "throttled",
  "503 SlowDown": "throttled",
  "500 InternalError": "connection_failing",
  "502 (a proxy)": "connection_failing",
  "301 PermanentRedirect (wrong region)": "connection_failing",
  timeout: "connection_failing",
  "connection refused": "connection_failing",
};

function expected(pin: PinName, answer: AnswerName): Expected {
  if (answer in FOUND[pin]) return FOUND[pin][answer as keyof (typeof FOUND)[PinName]];
  const outcome = FAILURES[answer as keyof typeof FAILURES];
  // "A managed link with Always the latest version is only Missing or failing."
  if (pin === "managed, Always the latest version" && outcome === "access_denied") return "connection_failing";
  return outcome;
}

const TABLE = PIN_NAMES.flatMap((pin) => (Object.keys(ANSWERS) as AnswerName[]).map((answer) => [pin, answer, expected(pin, answer)] as const));

describe("decideHealth: every pin kind × every storage answer", () => {
  it("covers the whole table", () => {
    expect(TABLE).toHaveLength(PIN_NAMES.length * Object.keys(ANSWERS).length);
  });

  it.each(TABLE)("%s, %s → %s", (pin, answer, outcome) => {
    const decision = decideHealth(PINS[pin], ANSWERS[answer]);
    if (outcome === "throttled") {
      expect(decision).toMatchObject({ outcome: null, cause: "throttled", slowDown: true });
    } else {
      expect(decision.outcome).toBe(outcome);
      expect(decision.slowDown).toBe(false);
    }
    // The true end is known whenever a direct link dies early, whatever storage said.
    expect(decision.trueEnd).toEqual(pin === "direct on temporary credentials (ETag)" ? HOUR : null);
  });

  it("a managed link with Always the latest version is only OK, Missing or Connection failing (or no verdict)", () => {
    const outcomes = new Set(Object.values(ANSWERS).map((a) => decideHealth(PINS["managed, Always the latest version"], a).outcome));
    expect([...outcomes].sort()).toEqual(["connection_failing", "missing", "ok", null].sort());
  });

  it("names the cause", () => {
    const pin = PINS["managed, pinned version"];
    expect(decideHealth(pin, ANSWERS["found, newer version (same ETag)"]).cause).toBe("version_changed");
    expect(decideHealth(PINS["direct, pinned ETag"], ANSWERS["found, other ETag"]).cause).toBe("etag_changed");
    expect(decideHealth(pin, ANSWERS["403 InvalidAccessKeyId"]).cause).toBe("bad_credentials");
    expect(decideHealth(pin, ANSWERS["400 ExpiredToken"]).cause).toBe("expired_credentials");
    expect(decideHealth(pin, ANSWERS["404 NoSuchBucket"]).cause).toBe("no_such_bucket");
    expect(decideHealth(pin, ANSWERS.timeout).cause).toBe("timeout");
    expect(decideHealth(pin, ANSWERS["connection refused"]).cause).toBe("network");
    expect(decideHealth(pin, ANSWERS["500 InternalError"]).cause).toBe("server_error");
    expect(decideHealth(PINS["direct on temporary credentials (ETag)"], ANSWERS["found, same ETag"])).toEqual({
      outcome: "dies_early",
      cause: "credentials_end_first",
      trueEnd: HOUR,
      slowDown: false,
    });
  });

  it("a direct link does not die early when its credentials outlive its expiry, or it never expires asked", () => {
    const found = ANSWERS["found, same ETag"];
    const pin = PINS["direct on temporary credentials (ETag)"];
    expect(decideHealth({ ...pin, credentialsEndAt: WEEK }, found).outcome).toBe("ok");
    expect(decideHealth({ ...pin, credentialsEndAt: new Date(WEEK.getTime() + 1) }, found).outcome).toBe("ok");
    expect(decideHealth({ ...pin, requestedExpiresAt: null }, found)).toMatchObject({ outcome: "dies_early", trueEnd: HOUR });
  });

  it("an object shared without ETag or version is OK while found", () => {
    const pin: HealthPin = { ...PINS["managed, pinned ETag"], objectEtag: null };
    expect(decideHealth(pin, ANSWERS["found, other ETag"]).outcome).toBe("ok");
    expect(decideHealth(pin, ANSWERS["404 NotFound (HEAD, no body)"]).outcome).toBe("missing");
  });

  it("has the issue's words for each outcome", () => {
    expect(Object.values(HEALTH_LABELS)).toEqual(["OK", "Missing", "Changed", "Access denied", "Connection failing", "Dies early"]);
    expect(needsAttention("ok")).toBe(false);
    expect(needsAttention(null)).toBe(false);
    expect(needsAttention("dies_early")).toBe(true);
  });
});

describe("combineDecisions: a multi-file share from its files", () => {
  const d = (outcome: HealthOutcome | null, slowDown = false): HealthDecision => ({ outcome, cause: "found", trueEnd: null, slowDown });

  it("is the worst of its files, counting each outcome", () => {
    expect(combineDecisions([d("ok"), d("changed"), d("ok"), d("missing"), d("connection_failing")])).toEqual({
      outcome: "missing",
      slowDown: false,
      counts: { ok: 2, changed: 1, missing: 1, connection_failing: 1 },
    });
    expect(combineDecisions([d("ok"), d("access_denied"), d("changed")]).outcome).toBe("changed");
    expect(combineDecisions([d("ok"), d("connection_failing"), d("access_denied")]).outcome).toBe("access_denied");
    expect(combineDecisions([d("ok"), d("ok")]).outcome).toBe("ok");
  });

  it("gives no verdict when no file gave one, and slows down when any was throttled", () => {
    expect(combineDecisions([])).toEqual({ outcome: null, slowDown: false, counts: {} });
    expect(combineDecisions([d(null, true), d(null, true)])).toEqual({ outcome: null, slowDown: true, counts: {} });
    expect(combineDecisions([d("ok"), d(null, true)])).toMatchObject({ outcome: "ok", slowDown: true });
  });
});

describe("storageAnswerOf: a thrown SDK or network error", () => {
  const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error("The request signature we calculated does not match X-Amz-Signature=abc"), {
      name,
      $metadata: { httpStatusCode: status },
      ...extra,
    });

  it("keeps the status and S3 code of an HTTP answer, never the message", () => {
    expect(storageAnswerOf(sdkError("NotFound", 404))).toEqual({ type: "error", status: 404, code: "NotFound" });
    expect(storageAnswerOf(sdkError("SignatureDoesNotMatch", 403, { Code: "SignatureDoesNotMatch" }))).toEqual({
      type: "error",
      status: 403,
      code: "SignatureDoesNotMatch",
    });
    expect(storageAnswerOf(sdkError("SlowDown", 503))).toEqual({ type: "error", status: 503, code: "SlowDown" });
    expect(JSON.stringify(storageAnswerOf(sdkError("SignatureDoesNotMatch", 403)))).not.toContain("X-Amz-Signature");
  });

  it("calls an error without an HTTP answer unreachable, naming a timeout or the network code", () => {
    expect(storageAnswerOf(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }))).toEqual({
      type: "unreachable",
      code: "ECONNREFUSED",
    });
    expect(storageAnswerOf(Object.assign(new Error("timed out"), { name: "TimeoutError" }))).toEqual({ type: "unreachable", code: "TimeoutError" });
    const wrapped = Object.assign(new Error("fetch failed"), { name: "TypeError", cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) });
    expect(storageAnswerOf(wrapped)).toEqual({ type: "unreachable", code: "ECONNRESET" });
    expect(storageAnswerOf("nonsense")).toEqual({ type: "unreachable", code: null });
  });

  it("decides through the same table", () => {
    const pin = PINS["managed, pinned ETag"];
    expect(decideHealth(pin, storageAnswerOf(sdkError("NotFound", 404))).outcome).toBe("missing");
    expect(decideHealth(pin, storageAnswerOf(sdkError("Forbidden", 403))).outcome).toBe("access_denied");
    expect(decideHealth(pin, storageAnswerOf(sdkError("SlowDown", 503))).slowDown).toBe(true);
    expect(decideHealth(pin, storageAnswerOf(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).outcome).toBe("connection_failing");
  });
});

describe("healthPinOf: the pin from a stored link", () => {
  const row = {
    kind: "direct" as const,
    pinned: true,
    objectEtag: ETAG,
    objectVersionId: null,
    neverExpires: false,
    requestedExpiresAt: WEEK,
    expiresAt: WEEK,
  };

  it("a direct link stored shorter than asked (temporary credentials) dies early at its stored end", () => {
    const pin = healthPinOf({ ...row, expiresAt: HOUR });
    expect(pin).toEqual(PINS["direct on temporary credentials (ETag)"]);
    expect(decideHealth(pin, ANSWERS["found, same ETag"])).toMatchObject({ outcome: "dies_early", trueEnd: HOUR });
    expect(healthPinOf(row)).toEqual(PINS["direct, pinned ETag"]);
  });

  it("keeps a managed link's pin or Always the latest version, and never makes it die early", () => {
    expect(healthPinOf({ ...row, kind: "managed", expiresAt: HOUR })).toEqual({ ...PINS["managed, pinned ETag"], requestedExpiresAt: WEEK });
    expect(healthPinOf({ ...row, kind: "managed", pinned: false })).toEqual(PINS["managed, Always the latest version"]);
    expect(healthPinOf({ ...row, kind: "managed", neverExpires: true }).requestedExpiresAt).toBeNull();
  });

  it("pins each file of a multi-file share by its own ETag or version", () => {
    expect(healthPinOfFile(row, { etag: ETAG, versionId: VERSION })).toEqual(PINS["multi-file entry, pinned version"]);
    expect(healthPinOfFile(row, { etag: ETAG, versionId: null })).toEqual(PINS["multi-file entry, pinned ETag"]);
  });
});
