/**
 * A NUL character (U+0000, sometimes pasted along with text) in any text a server action receives:
 * PostgreSQL cannot store it (22021), so the wrapper (lib/actions/safe-action.ts) refuses it at the
 * field before any handler runs, and nothing is stored. Real actions and database; only the
 * request context is stood in for.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { session } from "../support/request-context";
import { db } from "@/lib/db/client";
import { createApiTokenAction } from "@/lib/actions/create-api-token";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import * as h from "../support/helpers";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

const NUL_ERROR = /^Remove the invisible control character/;

let owner: SessionUser;

function form(fields: Record<string, string | string[]>): FormData {
  const out = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const one of [value].flat()) out.append(key, one);
  return out;
}

beforeAll(async () => {
  owner = await h.createTestUser("nul-input-owner");
});

beforeEach(() => {
  session.user = owner;
});

afterAll(async () => {
  session.user = null;
  await h.deleteTestUsers(owner);
});

describe("text with a NUL character", () => {
  it("API token name: refused at the name field, no token stored", async () => {
    const result = await createApiTokenAction(
      { status: "idle" },
      form({ name: "Nightly\u0000 backup", scopes: ["objects:read"], expiry: "30d", timeZone: "UTC" }),
    );
    expect(result.status).toBe("invalid");
    if (result.status !== "invalid") return;
    expect(result.fieldErrors.name).toEqual([expect.stringMatching(NUL_ERROR)]);
    expect(Object.keys(result.fieldErrors)).toEqual(["name"]);
    // The form gets the text back without the character, so submitting again works.
    expect(result.values?.name).toBe("Nightly backup");
    expect(await db.apiToken.count({ where: { ownerId: owner.id } })).toBe(0);
  });

  it("connection fields (secrets too, and arrays of values): refused at each such field, no connection stored", async () => {
    const result = await saveConnectionAction(
      { status: "idle" },
      form({
        name: "Backups\u0000",
        provider: "custom",
        endpoint: "http://127.0.0.1:9",
        region: "us-east-1",
        accessKeyId: "AKIA",
        secretAccessKey: "se\u0000cret",
      }),
    );
    expect(result.status).toBe("invalid");
    if (result.status !== "invalid") return;
    expect(result.fieldErrors).toEqual({ name: [expect.stringMatching(NUL_ERROR)], secretAccessKey: [expect.stringMatching(NUL_ERROR)] });
    // Secrets are never echoed back.
    expect(result.values).not.toHaveProperty("secretAccessKey");
    expect(await db.storageConnection.count({ where: { ownerId: owner.id } })).toBe(0);

    const scopes = await createApiTokenAction(
      { status: "idle" },
      form({ name: "Nightly", scopes: ["objects:read", "links:write\u0000"], expiry: "30d", timeZone: "UTC" }),
    );
    expect(scopes).toMatchObject({ status: "invalid", fieldErrors: { scopes: [expect.stringMatching(NUL_ERROR)] } });
  });

  it("stays a sign-in question for anyone without a session", async () => {
    session.user = null;
    expect(await createApiTokenAction({ status: "idle" }, form({ name: "Nightly\u0000", scopes: ["objects:read"], expiry: "30d" }))).toMatchObject({
      status: "unauthorized",
    });
  });
});
