/**
 * Settings → "API tokens" against the real database: the real actions and store, with only the request
 * context (who is signed in; Next's revalidatePath) stood in for.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { createApiTokenAction } from "@/lib/actions/create-api-token";
import { revokeApiTokenAction } from "@/lib/actions/revoke-api-token";
import { createApiToken, listApiTokens, revokeApiToken } from "@/lib/api/token-store";
import { resolveApiTokenExpiry } from "@/lib/validation/api-token";
import * as h from "../support/helpers";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const TOKEN = /^bks_[A-Za-z0-9_-]{32}$/;
const DAY = 86_400_000;

let owner: SessionUser;
let other: SessionUser;

/** A date as the browser's date field sends it, `days` from today (UTC). */
function isoDay(days: number): string {
  return new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
}

function tokenForm(fields: { name?: string; scopes?: string[]; expiry?: string; expiryDate?: string; timeZone?: string }): FormData {
  const form = new FormData();
  if (fields.name !== undefined) form.set("name", fields.name);
  for (const scope of fields.scopes ?? []) form.append("scopes", scope);
  form.set("expiry", fields.expiry ?? "30d");
  if (fields.expiryDate !== undefined) form.set("expiryDate", fields.expiryDate);
  form.set("timeZone", fields.timeZone ?? "UTC");
  return form;
}

async function create(fields: Parameters<typeof tokenForm>[0]) {
  return createApiTokenAction({ status: "idle" }, tokenForm(fields));
}

async function rowsOf(user: SessionUser) {
  return db.apiToken.findMany({ where: { ownerId: user.id } });
}

beforeAll(async () => {
  owner = await h.createTestUser("api-token-owner");
  other = await h.createTestUser("api-token-other");
});

beforeEach(async () => {
  session.user = owner;
  await db.apiToken.deleteMany({ where: { ownerId: { in: [owner.id, other.id] } } });
});

afterAll(async () => {
  session.user = null;
  await h.deleteTestUsers(owner, other);
});

describe("Settings → API tokens → Create token", () => {
  it("answers with the token once and stores only its SHA-256 and shown prefix", async () => {
    const before = Date.now();
    const result = await create({ name: "  Nightly backup  ", scopes: ["links:write", "objects:read"], expiry: "30d" });
    expect(result).toMatchObject({ status: "success", message: "Token “Nightly backup” created. Copy it now: it is shown only this once." });
    const data = result.status === "success" ? result.data! : null;
    expect(data!.token).toMatch(TOKEN);

    const [row, ...rest] = await rowsOf(owner);
    expect(rest).toHaveLength(0);
    expect(row).toMatchObject({
      id: data!.id,
      name: "Nightly backup",
      tokenHash: createHash("sha256").update(data!.token).digest("hex"),
      prefix: data!.token.slice(0, 8),
      // In the order API_SCOPES lists them, whatever order the form sent.
      scopes: ["objects:read", "links:write"],
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(row!.expiresAt!.getTime() - before).toBeGreaterThanOrEqual(30 * DAY);
    expect(row!.expiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(30 * DAY);
    // The plain token (or its secret part) is nowhere in the table.
    const [dump] = await db.$queryRaw<{ text: string }[]>`SELECT coalesce(string_agg(t::text, ' '), '') AS text FROM api_tokens t`;
    expect(dump!.text).not.toContain(data!.token.slice(8));
  });

  it("takes a single checkbox (a string), No expiry, and a custom date read in the owner's time zone", async () => {
    const one = await create({ name: "One scope", scopes: ["links:read"], expiry: "never" });
    expect(one.status).toBe("success");
    const day = isoDay(10);
    const custom = await create({ name: "Until a date", scopes: ["objects:read"], expiry: "custom", expiryDate: day, timeZone: "Asia/Tokyo" });
    expect(custom.status).toBe("success");
    const rows = await listApiTokens(owner.id);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName["One scope"]).toMatchObject({ scopes: ["links:read"], expiresAt: null });
    // Midnight in Tokyo is 15:00 UTC the day before.
    const expected = new Date(`${day}T00:00:00Z`).getTime() - 9 * 3_600_000;
    expect(byName["Until a date"]!.expiresAt!.getTime()).toBe(expected);
  });

  it.each([
    ["no scope", { name: "Script", scopes: [] }, { scopes: ["Choose at least one scope."] }],
    ["an unknown scope", { name: "Script", scopes: ["admin"] }, { scopes: ["Choose scopes from objects:read, links:read, links:write."] }],
    ["an empty name", { name: "   ", scopes: ["links:read"] }, { name: ["Enter a name that says what the token is for, such as “Nightly backup script”."] }],
    ["no name at all", { scopes: ["links:read"] }, { name: ["Enter a name that says what the token is for, such as “Nightly backup script”."] }],
    ["a name over 100 characters", { name: "x".repeat(101), scopes: ["links:read"] }, { name: ["Use at most 100 characters."] }],
    ["a past date", { name: "Script", scopes: ["links:read"], expiry: "custom", expiryDate: isoDay(-2) }, { expiryDate: ["Choose a date after today."] }],
    ["today", { name: "Script", scopes: ["links:read"], expiry: "custom", expiryDate: isoDay(0) }, { expiryDate: ["Choose a date after today."] }],
    ["no date", { name: "Script", scopes: ["links:read"], expiry: "custom" }, { expiryDate: ["Enter the date the token expires, such as 2027-01-31."] }],
    [
      "an impossible date",
      { name: "Script", scopes: ["links:read"], expiry: "custom", expiryDate: "2031-02-30" },
      { expiryDate: ["Enter the date the token expires, such as 2027-01-31."] },
    ],
    [
      "a date 11 years out",
      { name: "Script", scopes: ["links:read"], expiry: "custom", expiryDate: isoDay(11 * 365) },
      { expiryDate: ["Choose a date at most 10 years from now, or No expiry."] },
    ],
    ["an unknown expiry", { name: "Script", scopes: ["links:read"], expiry: "forever" }, { expiry: ["Choose when the token expires."] }],
  ])("refuses %s at the field and stores nothing", async (_label, fields, fieldErrors) => {
    const result = await create(fields);
    expect(result).toMatchObject({ status: "invalid", message: "Check the highlighted fields." });
    expect(result.status === "invalid" ? result.fieldErrors : null).toEqual(fieldErrors);
    expect(await rowsOf(owner)).toHaveLength(0);
    expect(JSON.stringify(result)).not.toMatch(/bks_/);
  });

  it("reports every wrong field at once and keeps the name typed", async () => {
    const result = await create({ name: "", scopes: [], expiry: "custom", expiryDate: isoDay(-1) });
    expect(result.status === "invalid" ? Object.keys(result.fieldErrors).sort() : null).toEqual(["expiryDate", "name", "scopes"]);
    const kept = await create({ name: "Kept", scopes: [] });
    expect(kept.status === "invalid" ? kept.values?.name : null).toBe("Kept");
  });

  it("allows a date just under 10 years out", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    expect(resolveApiTokenExpiry({ expiry: "custom", expiryDate: "2036-11-28", timeZone: "UTC" }, now)).toEqual({
      ok: true,
      expiresAt: new Date("2036-11-28T00:00:00Z"),
    });
    expect(resolveApiTokenExpiry({ expiry: "1y" }, now)).toEqual({ ok: true, expiresAt: new Date("2027-12-01T12:00:00Z") });
  });
});

describe("Settings → API tokens → the list", () => {
  it("lists the owner's tokens only, newest first, with what the list shows and no hash", async () => {
    const first = await createApiToken(owner.id, { name: "First", scopes: ["objects:read"], expiresAt: null });
    await h.sleep(5);
    const second = await createApiToken(owner.id, { name: "Second", scopes: ["links:read", "links:write"], expiresAt: new Date(Date.now() + DAY) });
    await createApiToken(other.id, { name: "Someone else's", scopes: ["objects:read"], expiresAt: null });

    const list = await listApiTokens(owner.id);
    expect(list.map((t) => t.name)).toEqual(["Second", "First"]);
    expect(Object.keys(list[0]!).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes"]);
    expect(list[0]).toMatchObject({
      id: second.row.id,
      prefix: second.token.slice(0, 8),
      scopes: ["links:read", "links:write"],
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(list[1]).toMatchObject({ id: first.row.id, prefix: first.token.slice(0, 8), expiresAt: null });
  });

  it("reads the list through the api_tokens (owner_id, created_at DESC) index", async () => {
    const plan = await db.$transaction(async (tx) => {
      // A handful of rows: without these the planner rightly prefers reading the table; the point is that the
      // index can serve both the filter and the order (no Sort step).
      await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
      await tx.$executeRawUnsafe("SET LOCAL enable_bitmapscan = off");
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN SELECT id FROM api_tokens WHERE owner_id = '${owner.id}' ORDER BY created_at DESC`);
    });
    const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
    expect(text).toContain("api_tokens_owner_id_created_at_idx");
    expect(text).not.toMatch(/\bSort\b/);
  });
});

describe("Settings → API tokens → Revoke token", () => {
  it("revokes the owner's token, and a second time changes nothing", async () => {
    const { row } = await createApiToken(owner.id, { name: "CI", scopes: ["links:write"], expiresAt: null });
    const first = await revokeApiTokenAction({ status: "idle" }, { id: row.id });
    expect(first).toEqual({ status: "success", message: "Token “CI” revoked: requests with it are refused from now on." });
    const revokedAt = (await db.apiToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt;
    expect(revokedAt).toBeInstanceOf(Date);

    const again = await revokeApiTokenAction({ status: "idle" }, { id: row.id });
    expect(again).toEqual({ status: "success", message: "Token “CI” was already revoked." });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).toEqual(revokedAt);
    expect(await revokeApiToken(owner.id, row.id)).toMatchObject({ status: "already_revoked", revokedAt });
  });

  it("refuses another owner's token as not found and leaves it working", async () => {
    const theirs = await createApiToken(other.id, { name: "Theirs", scopes: ["links:write"], expiresAt: null });
    const result = await revokeApiTokenAction({ status: "idle" }, { id: theirs.row.id });
    expect(result).toEqual({ status: "error", message: "That token no longer exists. Reload the page to see your tokens." });
    expect(await revokeApiToken(owner.id, theirs.row.id)).toEqual({ status: "not_found" });
    expect(await revokeApiToken(owner.id, "c0000000000000000000000000")).toEqual({ status: "not_found" });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: theirs.row.id } })).revokedAt).toBeNull();
  });

  it("refuses a missing id at the field", async () => {
    const result = await revokeApiTokenAction({ status: "idle" }, {});
    expect(result).toMatchObject({ status: "invalid", fieldErrors: { id: ["Choose a token to revoke."] } });
  });
});
