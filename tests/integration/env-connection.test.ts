import { soleOwner } from "@/lib/auth/permissions";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { session } from "../support/request-context";
import * as h from "../support/helpers";
import { db } from "@/lib/db/client";
import { parseEnv, getRuntimeSecrets } from "@/lib/env";
import { syncEnvConnection } from "@/lib/storage/env-connection";
import { openCredentials } from "@/lib/storage/client";
import { listConnections } from "@/lib/storage/connections";
import { saveConnectionAction } from "@/lib/actions/save-connection";
import { deleteConnectionAction } from "@/lib/actions/delete-connection";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

/** S3_* variables become one read-only connection of the owner. */

let created: SessionUser | undefined;
let owner: SessionUser;

const s3Env = () =>
  parseEnv({
    S3_ENDPOINT: h.services.s3.endpoint,
    S3_REGION: h.services.s3.region,
    S3_ACCESS_KEY_ID: h.services.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: h.services.s3.secretAccessKey,
    S3_BUCKETS: "alpha, beta",
    S3_CONNECTION_NAME: "From env",
  });

beforeAll(async () => {
  // The environment connection belongs to the first user (the owner): reuse one if an earlier file made it.
  if (!(await db.user.findFirst())) created = await h.createTestUser("env-owner");
  const first = await db.user.findFirstOrThrow({ orderBy: { createdAt: "asc" }, select: { id: true, name: true, email: true } });
  owner = { ...soleOwner(first.id), name: first.name, email: first.email } satisfies SessionUser;
  session.user = owner;
});

afterAll(async () => {
  await db.storageConnection.deleteMany({ where: { fromEnv: true } });
  await h.deleteTestUsers(created);
});

describe("a connection from S3_* variables", () => {
  it("appears for the owner, read-only, with its secret sealed", async () => {
    const key = getRuntimeSecrets().encryptionKey;
    await syncEnvConnection(db, s3Env(), key);
    await syncEnvConnection(db, s3Env(), key); // idempotent: one row, updated in place
    const rows = await db.storageConnection.findMany({ where: { ownerId: owner.id, fromEnv: true } });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ name: "From env", endpoint: h.services.s3.endpoint, forcePathStyle: true, buckets: ["alpha", "beta"] });
    expect(row.secretAccessKeyEnc).not.toContain(h.services.s3.secretAccessKey);
    expect(openCredentials(row).secretAccessKey).toBe(h.services.s3.secretAccessKey);
    expect((await listConnections(owner)).find((c) => c.id === row.id)).toMatchObject({ fromEnv: true });

    const edit = h.formData({
      id: row.id,
      name: "Renamed",
      provider: "custom",
      endpoint: "http://127.0.0.1:1",
      region: "us-east-1",
      accessKeyId: "other",
    });
    expect(await saveConnectionAction({ status: "idle" }, edit)).toEqual({
      status: "error",
      message: "This connection comes from S3_* environment variables; change them instead.",
    });
    expect(await deleteConnectionAction({ status: "idle" }, { id: row.id })).toEqual({
      status: "error",
      message: "This connection comes from S3_* environment variables; remove them instead.",
    });
    expect(await db.storageConnection.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ name: "From env", accessKeyId: h.services.s3.accessKeyId });
  });

  it("goes away when the variables are removed", async () => {
    await syncEnvConnection(db, parseEnv({}), getRuntimeSecrets().encryptionKey);
    expect(await db.storageConnection.count({ where: { ownerId: owner.id, fromEnv: true } })).toBe(0);
  });
});
