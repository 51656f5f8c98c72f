/**
 * Issue 17, item 5: Settings shows whether each bucket's storage aborts incomplete multipart uploads
 * (a lifecycle rule) and "Add lifecycle rule" adds one, keeping the bucket's other rules. On both local
 * S3 servers: Ceph RGW implements bucket lifecycle; Swift's s3api does not (its GET ?lifecycle lists the bucket).
 */
import { GetBucketLifecycleConfigurationCommand, PutBucketLifecycleConfigurationCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addLifecycleRuleAction } from "@/lib/actions/add-lifecycle-rule";
import { loadActor } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { openConnectionOrThrow } from "@/lib/storage/connections";
import { ABORT_AFTER_DAYS, checkBucketLifecycle, LIFECYCLE_BUCKETS_CHECKED, LIFECYCLE_RULE_ID, lifecycleOfConnection } from "@/lib/uploads/lifecycle";
import { createTestConnection } from "../support/api-contract";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

async function as<T>(user: SessionUser, run: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await run();
  } finally {
    session.user = null;
  }
}

describe.each(storageCases())("lifecycle rules on $name", (storage) => {
  const admin = adminS3For(storage);
  let owner: SessionUser;
  let member: SessionUser; // may browse and upload, not manage connections
  let connectionId: string;
  let bucket: string;

  const rulesOf = async (name: string) => (await admin.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }))).Rules ?? [];

  beforeAll(async () => {
    owner = await h.createTestUser(`lifecycle-${storage.name}`);
    bucket = await h.createBucket(admin, "lc");
    connectionId = await createTestConnection(owner.id, storage, { name: "Team storage", buckets: [bucket, `missing-${h.randomSuffix()}`] });
    const row = await db.user.create({
      data: { name: "Member", email: `lc-member-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
    });
    await db.memberGrant.create({ data: { userId: row.id, connectionId, canBrowse: true, canShare: true, canUpload: true, folder: "" } });
    member = { ...(await loadActor(row.id))!, name: row.name, email: row.email };
  });

  afterAll(async () => {
    await h.deleteTestUsers(member, owner);
  });

  it("shows each configured bucket's state, a bucket that fails says so, and the rule is added keeping the others", async () => {
    const before = await lifecycleOfConnection(owner, connectionId);
    if (before.status !== "checked") throw new Error(JSON.stringify(before));
    expect(before.unchecked).toBe(0);
    const [mine, missing] = before.buckets;
    expect(missing).toMatchObject({ status: storage.name === "swift" ? expect.stringMatching(/unsupported|error/) : "error" });
    if (missing?.status === "error") expect(missing.message).toMatch(/bucket/i);

    if (storage.name === "swift") {
      // Swift's s3api has no bucket lifecycle (it takes `?lifecycle` for a plain bucket request: GET lists the
      // objects): said in words, and the action changes nothing.
      expect(mine).toEqual({ bucket, status: "unsupported", message: "Lifecycle rules are not supported by this storage." });
      const refused = await as(owner, () => addLifecycleRuleAction({ status: "idle" }, { connectionId, bucket }));
      expect(refused).toMatchObject({ status: "error", message: expect.stringMatching(/not supported by this storage\. Nothing was changed/) });
      return;
    }

    expect(mine).toEqual({ bucket, status: "missing" });
    // A rule the bucket already has (expiring tmp/ after 30 days) stays, and does not count: it covers a prefix and aborts nothing.
    const existing = { ID: "expire-tmp", Status: "Enabled" as const, Filter: { Prefix: "tmp/" }, Expiration: { Days: 30 } };
    await admin.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [existing] } }));
    expect(await checkBucketLifecycle(await openConnectionOrThrow(owner, connectionId), bucket)).toEqual({ bucket, status: "missing" });

    const added = await as(owner, () => addLifecycleRuleAction({ status: "idle" }, { connectionId, bucket }));
    expect(added).toMatchObject({ status: "success", message: `Lifecycle rule added: ${bucket} aborts uploads left incomplete for ${ABORT_AFTER_DAYS} days.` });
    // (RGW answers the rules in the order of their IDs.)
    const rules = await rulesOf(bucket);
    expect(rules.map((r) => r.ID).sort()).toEqual([LIFECYCLE_RULE_ID, "expire-tmp"]);
    expect(rules.find((r) => r.ID === "expire-tmp")).toMatchObject({ Filter: { Prefix: "tmp/" }, Expiration: { Days: 30 } });
    expect(rules.find((r) => r.ID === LIFECYCLE_RULE_ID)).toMatchObject({
      Status: "Enabled",
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_AFTER_DAYS },
    });

    const after = await lifecycleOfConnection(owner, connectionId);
    expect(after.status === "checked" && after.buckets[0]).toEqual({ bucket, status: "ok", days: ABORT_AFTER_DAYS });
    const audit = await db.auditEvent.findFirst({ where: { subjectId: connectionId, kind: "connection.changed" }, orderBy: { createdAt: "desc" } });
    expect(audit?.details).toMatchObject({ bucket, change: "lifecycle rule added" });

    // Asked again: nothing written, said so.
    const again = await as(owner, () => addLifecycleRuleAction({ status: "idle" }, { connectionId, bucket }));
    expect(again).toMatchObject({ status: "success", message: expect.stringMatching(/already has a rule .* Nothing was changed/) });
    expect((await rulesOf(bucket)).length).toBe(2);
  });

  it("refuses a Member (who may not manage connections), and the bucket's rules do not change", async () => {
    const other = await h.createBucket(admin, "lcm");
    const refused = await as(member, () => addLifecycleRuleAction({ status: "idle" }, { connectionId, bucket: other }));
    expect(refused).toMatchObject({ status: "error", message: expect.stringMatching(/Only Admins and the Owner/) });
    const check = await checkBucketLifecycle(await openConnectionOrThrow(owner, connectionId), other);
    expect(check.status).toBe(storage.name === "swift" ? "unsupported" : "missing");
  });

  it("checks at most the first buckets of a connection that lists them, and a connection that cannot be reached says so quickly", async () => {
    const listing = await createTestConnection(owner.id, storage, { name: "Every bucket" });
    const all = await lifecycleOfConnection(owner, listing);
    if (all.status !== "checked") throw new Error(JSON.stringify(all));
    expect(all.buckets.length).toBeLessThanOrEqual(LIFECYCLE_BUCKETS_CHECKED);
    expect(all.buckets.length + all.unchecked).toBeGreaterThanOrEqual(1);

    const down = await createTestConnection(owner.id, { ...storage, endpoint: "http://127.0.0.1:9" }, { name: "Down" });
    const started = Date.now();
    const result = await lifecycleOfConnection(owner, down);
    expect(result).toMatchObject({ status: "error", message: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(8_000);
    // Another team's connection is not found, not checked.
    const stranger = await h.createTestUser("lc-stranger");
    try {
      expect(await lifecycleOfConnection(stranger, connectionId)).toEqual({ status: "error", message: "This storage connection does not exist (any more)." });
    } finally {
      await h.deleteTestUsers(stranger);
    }
  });
});
