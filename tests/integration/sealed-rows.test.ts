/**
 * Secrets at rest are bound to their rows: the re-seal of old (v1) values at start-up against a
 * real PostgreSQL, with two instances starting at once, and values moved between rows refused by
 * the app's own read paths.
 */
import { soleOwner } from "@/lib/auth/permissions";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { prepareDatabase } from "@/lib/boot/database";
import { keyId } from "@/lib/crypto";
import { getRuntimeSecrets, parseEnv } from "@/lib/env";
import { db } from "@/lib/db/client";
import { revealLinkUrl } from "@/lib/links/history";
import { openCredentials } from "@/lib/storage/client";
import { seal, unseal } from "@/lib/storage/sealed";
import { createTestDatabase } from "../support/services";
import { createTestUser, deleteTestUsers } from "../support/helpers";

/** What the previous release stored: a v1 envelope bound only to its column. */
function legacyV1(plaintext: string, key: Buffer, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", keyId(key), iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

type Stored = { conn: { secret: string; token: string }; links: Record<string, string> };

async function readStored(url: string): Promise<Stored> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const conn = await client.query<{ secret: string; token: string }>(
      "SELECT secret_access_key_enc AS secret, session_token_enc AS token FROM storage_connections WHERE id = 'cconn1'",
    );
    const links = await client.query<{ id: string; url_enc: string }>("SELECT id, url_enc FROM share_links ORDER BY id");
    return { conn: conn.rows[0]!, links: Object.fromEntries(links.rows.map((r) => [r.id, r.url_enc])) };
  } finally {
    await client.end();
  }
}

describe("re-sealing old values at start-up", () => {
  it("binds every v1 value to its row once, also with two instances starting at once", async () => {
    const url = await createTestDatabase(inject("services"), "reseal");
    const key = randomBytes(32);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`INSERT INTO users (id, name, email, password_hash, updated_at) VALUES ('u1', 'Owner', 'o@example.com', 'x', now())`);
    await client.query(
      `INSERT INTO storage_connections (id, owner_id, name, provider, endpoint, region, access_key_id, secret_access_key_enc, session_token_enc, updated_at)
       VALUES ('cconn1', 'u1', 'Saved', 'custom', 'http://127.0.0.1:9', 'us-east-1', 'k', $1, $2, now())`,
      [legacyV1("the-secret", key, "storage_connections.secret_access_key"), legacyV1("the-token", key, "storage_connections.session_token")],
    );
    const linkCount = 3;
    for (let i = 0; i < linkCount; i++) {
      await client.query(
        `INSERT INTO share_links (id, owner_id, connection_id, connection_name, bucket, key, object_size, requested_expires_at,
                                  expires_at, expires_soon_at, disposition, file_name, url_enc, created_at)
         VALUES ($1, 'u1', 'cconn1', 'Saved', 'b', $2, 1, now(), now(), now(), 'inline', 'f', $3, now())`,
        [`clink${i}`, `k${i}`, legacyV1(`https://s3.example/k${i}?X-Amz-Signature=${i}`, key, "share_links.url")],
      );
    }
    await client.end();

    const env = parseEnv({ DATABASE_URL: url });
    const started = await Promise.all([
      prepareDatabase(env, mkdtempSync(join(tmpdir(), "reseal-a-")), key),
      prepareDatabase(env, mkdtempSync(join(tmpdir(), "reseal-b-")), key),
    ]);
    await Promise.all(started.map((s) => s.stop()));

    const after = await readStored(url);
    expect(after.conn.secret.startsWith("v2.")).toBe(true);
    expect(after.conn.token.startsWith("v2.")).toBe(true);
    expect(unseal("secretAccessKey", "cconn1", after.conn.secret, key)).toBe("the-secret");
    expect(unseal("sessionToken", "cconn1", after.conn.token, key)).toBe("the-token");
    expect(Object.keys(after.links)).toHaveLength(linkCount);
    for (const [id, sealed] of Object.entries(after.links)) {
      expect(sealed.startsWith("v2.")).toBe(true);
      expect(unseal("shareUrl", id, sealed, key)).toBe(`https://s3.example/${id.replace("clink", "k")}?X-Amz-Signature=${id.slice(5)}`);
    }

    // Idempotent: a later start changes nothing.
    await (await prepareDatabase(env, mkdtempSync(join(tmpdir(), "reseal-c-")), key)).stop();
    expect(await readStored(url)).toEqual(after);
  });
});

describe("a value moved to another row", () => {
  let owner: Awaited<ReturnType<typeof createTestUser>>;
  const key = () => getRuntimeSecrets().encryptionKey;

  beforeAll(async () => {
    owner = await createTestUser("sealed");
  });
  afterAll(async () => {
    await deleteTestUsers(owner);
  });

  async function createLink(id: string, url: string) {
    const now = new Date();
    const later = new Date(now.getTime() + 3_600_000);
    await db.shareLink.create({
      data: {
        id,
        ownerId: owner.id,
        connectionName: "Gone",
        bucket: "b",
        key: `${id}.txt`,
        objectSize: 1n,
        requestedExpiresAt: later,
        expiresAt: later,
        expiresSoonAt: new Date(later.getTime() - 900_000),
        disposition: "inline",
        fileName: `${id}.txt`,
        urlEnc: seal("shareUrl", id, url, key()),
        createdAt: now,
      },
    });
  }

  it("a link's encrypted URL copied into another link does not decrypt there", async () => {
    const a = `ca${randomBytes(8).toString("hex")}`;
    const b = `cb${randomBytes(8).toString("hex")}`;
    await createLink(a, "https://s3.example/a?X-Amz-Signature=aaa");
    await createLink(b, "https://s3.example/b?X-Amz-Signature=bbb");
    expect(await revealLinkUrl(soleOwner(owner.id), b)).toBe("https://s3.example/b?X-Amz-Signature=bbb");

    const { urlEnc } = await db.shareLink.findUniqueOrThrow({ where: { id: a } });
    await db.shareLink.update({ where: { id: b }, data: { urlEnc } });
    await expect(revealLinkUrl(soleOwner(owner.id), b)).rejects.toThrow(
      `share_links.url_enc of row ${b} cannot be decrypted: the value was sealed for another row (copied from elsewhere?) or is corrupted`,
    );
    expect(await revealLinkUrl(soleOwner(owner.id), a)).toBe("https://s3.example/a?X-Amz-Signature=aaa");
  });

  it("a connection's secret key copied into another connection does not decrypt there", async () => {
    const base = { ownerId: owner.id, provider: "custom", endpoint: "http://127.0.0.1:9", region: "us-east-1", accessKeyId: "k" };
    const first = `cc${randomBytes(8).toString("hex")}`;
    const second = `cd${randomBytes(8).toString("hex")}`;
    const one = await db.storageConnection.create({
      data: { ...base, id: first, name: `one-${first}`, secretAccessKeyEnc: seal("secretAccessKey", first, "secret-one", key()) },
    });
    expect(openCredentials(one).secretAccessKey).toBe("secret-one");
    const two = await db.storageConnection.create({
      data: { ...base, id: second, name: `two-${second}`, secretAccessKeyEnc: one.secretAccessKeyEnc },
    });
    expect(() => openCredentials(two)).toThrow(`storage_connections.secret_access_key_enc of row ${second} cannot be decrypted`);
  });
});
