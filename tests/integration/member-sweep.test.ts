/**
 * Issue 16: every server action and every API route, tried by a Member without the right, refuses
 * and changes nothing (the companion of the unauthenticated sweep in actions-auth.test.ts). One team:
 * its Owner's connection, a managed link and a files share, an invite, the Owner's API token; a
 * Member with no grant and a Member who may only browse the connection. Each Member calls every
 * exported action with input that succeeds for the Owner, and every API operation with a token of
 * all scopes; the team's rows are byte-identical afterwards. Real PostgreSQL and S3; only who is
 * signed in is stood in for.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadActor } from "@/lib/auth/actor";
import type { SessionUser } from "@/lib/auth/session";
import { createFilesShareAction } from "@/lib/actions/create-files-share";
import { createShareLinkAction } from "@/lib/actions/create-share-link";
import { inviteMemberAction } from "@/lib/actions/invite-member";
import { API_SCOPES } from "@/lib/api/tokens";
import { db } from "@/lib/db/client";
import { callApi, createTestConnection, createTestToken, openApiDocument } from "../support/api-contract";
import * as h from "../support/helpers";
import { session } from "../support/request-context";
import { adminS3For, storageCases } from "../support/storages";

vi.mock("@/lib/auth/session", async () => (await import("../support/request-context")).sessionModule);

/**
 * What any person may do on their own account, whatever their role: these are not tried here (they
 * end the caller's own sessions or change their own password; each has its own tests).
 * The Member's own API token is theirs to make and revoke; what its scopes reach is the API sweep below
 * (a token of every scope finds nothing the Member may not see). revokeApiToken is still tried with
 * the Owner's token id below, which it must refuse.
 */
const OWN_ACCOUNT = {
  "sign-out.ts#signOutAction": "ends the caller's own session",
  "sign-out-everywhere.ts#signOutEverywhereAction": "ends the caller's own sessions",
  "change-password.ts#changePasswordAction": "changes the caller's own password (needs their current one)",
  "create-api-token.ts#createApiTokenAction": "a token of one's own; its rights are its scopes ∩ its person's (API sweep below)",
  // Everyone's own webhook (issue 16): these act on the caller's row alone, take no id, and hold an Admin's or
  // a Member's webhook to public addresses; webhooks-per-person.test.ts shows they never touch another person's.
  "save-webhook.ts#saveWebhookAction": "sets the caller's own webhook (public addresses only for a Member)",
  "rotate-webhook-secret.ts#rotateWebhookSecretAction": "a new secret for the caller's own webhook",
  "remove-webhook.ts#removeWebhookAction": "removes the caller's own webhook",
  "send-test-webhook.ts#sendTestWebhookAction": "a test event to the caller's own webhook",
  // Settings → Notifications (issue 18): the caller's own choices, on their own row; takes no id.
  "save-notifications.ts#saveNotificationsAction": "the caller's own notification choices (notifications.test.ts)",
};

/** Reached without a session at all (actions-auth.test.ts): nothing a Member's session adds. */
const PUBLIC = ["accept-invite.ts#acceptInviteAction", "create-owner.ts#createOwnerAction", "sign-in-sso.ts#signInWithSsoAction", "sign-in.ts#signInAction"];

const actionDir = join(process.cwd(), "lib/actions");
const actionFiles = readdirSync(actionDir).filter((f) => f.endsWith(".ts") && f !== "safe-action.ts");

type Action = { id: string; fn: ((state: unknown, input: unknown) => Promise<{ status: string }>) & { access?: string } };

async function allServerActions(): Promise<Action[]> {
  const actions: Action[] = [];
  for (const file of actionFiles) {
    expect(readFileSync(join(actionDir, file), "utf8")).toMatch(/["']use server["']/);
    const mod = (await import(/* @vite-ignore */ join(actionDir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) if (typeof value === "function") actions.push({ id: `${file}#${name}`, fn: value as never });
  }
  return actions;
}

const storage = storageCases()[0]!;
let owner: SessionUser;
let bare: SessionUser; // a Member without any grant
let browser: SessionUser; // a Member who may browse the connection, not share
let connectionId: string;
let bucket: string;
let managedLink: string;
let filesShare: string;
let uploadRequest: string;
let inviteId: string;
let ownerTokenId: string;

async function as<T>(user: SessionUser, run: () => Promise<T>): Promise<T> {
  session.user = user;
  try {
    return await run();
  } finally {
    session.user = null;
  }
}

async function member(label: string, grant: boolean): Promise<SessionUser> {
  const row = await db.user.create({
    data: { name: `Member ${label}`, email: `${label}-${h.randomSuffix()}@integration.test`, passwordHash: "x", role: "member", teamId: owner.id },
  });
  if (grant) await db.memberGrant.create({ data: { userId: row.id, connectionId, canBrowse: true, canShare: false, folder: "" } });
  const actor = await loadActor(row.id);
  return { ...actor!, name: row.name, email: row.email };
}

const anyGrant = () => [{ connectionId, canBrowse: true, canShare: true, folder: "", linkTypes: "both", longestExpirySeconds: "" }];

/** Input each action would succeed with for the Owner (several where one action does several things). */
function inputsFor(id: string, actor: SessionUser): Record<string, unknown>[] {
  const other = actor.id === bare.id ? browser : bare;
  const access = {
    provider: "custom",
    endpoint: storage.endpoint,
    region: storage.region,
    accessKeyId: storage.accessKeyId,
    secretAccessKey: storage.secretAccessKey,
    forcePathStyle: "on",
  };
  const links = [managedLink, filesShare, uploadRequest];
  const table: Record<string, Record<string, unknown>[]> = {
    // Issue 17: uploading and New folder need "Can upload" (neither Member holds it); Add CORS rule is for who manages connections.
    "add-upload-cors-rule.ts#addUploadCorsRuleAction": [{ connectionId, bucket }],
    // Issue 17, item 5: Add lifecycle rule (Settings → Connections) is for who manages connections.
    "add-lifecycle-rule.ts#addLifecycleRuleAction": [{ connectionId, bucket }],
    "begin-upload.ts#beginUploadAction": [
      { connectionId, bucket, prefix: "", path: "new.pdf", size: "10", type: "application/pdf", onExisting: "ask" },
      { connectionId, bucket, prefix: "docs/", path: "a.txt", size: "0", type: "text/plain", onExisting: "replace" },
      { connectionId, bucket, prefix: "", path: "report.pdf", size: "10", type: "application/pdf", onExisting: "keep-both" },
    ],
    "create-folder.ts#createFolderAction": [{ connectionId, bucket, prefix: "docs/", name: "new folder" }],
    // Upload requests need the "request" right (Can request uploads): neither Member holds it.
    "create-upload-request.ts#createUploadRequestAction": [
      { connectionId, bucket, folder: "docs/", title: "Sweep", preset: "7d", maxFiles: "5", askName: "on" },
      { connectionId, bucket, folder: "", preset: "never" },
    ],
    "check-request-cors.ts#checkRequestCorsAction": [{ connectionId, bucket, folder: "docs/" }],
    "change-request-limits.ts#changeRequestLimitsAction": [{ id: uploadRequest, maxFiles: "50", maxFileSize: "2 GB", maxTotalSize: "10 GB" }],
    "change-allowed-networks.ts#changeAllowedNetworksAction": links.map((l) => ({ id: l, allowedNetworks: "198.51.100.0/24" })),
    "change-download-limit.ts#changeDownloadLimitAction": links.map((l) => ({ id: l, downloadLimit: "3" })),
    "change-link-expiry.ts#changeLinkExpiryAction": links.map((l) => ({ id: l, preset: "30d" })),
    "change-link-options.ts#changeLinkOptionsAction": links.map((l) => ({
      id: l,
      expiryMode: "preset",
      preset: "30d",
      passwordMode: "set",
      password: "a-new-password-1",
      downloadLimit: "3",
    })),
    "change-link-password.ts#changeLinkPasswordAction": links.map((l) => ({ id: l, mode: "set", password: "a-new-password-1" })),
    "change-member.ts#changeMemberAction": [
      { id: other.id, role: "admin", grants: anyGrant() },
      { id: actor.id, role: "owner", grants: anyGrant() },
      { id: actor.id, role: "member", grants: anyGrant() },
    ],
    // Issue 18: Check now (link health) is for whoever may act on the link; an upload request has nothing to check.
    "check-link-health.ts#checkLinkHealthAction": [managedLink, filesShare].map((l) => ({ id: l })),
    "clear-link-lockout.ts#clearLinkLockoutAction": links.map((l) => ({ id: l })),
    "create-files-share.ts#createFilesShareAction": [{ connectionId, bucket, mode: "folder", prefix: "docs/", recursive: "on", preset: "7d" }],
    "create-share-link.ts#createShareLinkAction": [
      { connectionId, bucket, key: "report.pdf", linkType: "managed", preset: "7d" },
      { connectionId, bucket, key: "report.pdf", linkType: "direct", preset: "1h" },
    ],
    "delete-connection.ts#deleteConnectionAction": [{ id: connectionId }],
    "delete-link.ts#deleteLinkAction": links.map((l) => ({ id: l })),
    "hand-ownership.ts#handOwnershipAction": [{ id: other.id }, { id: actor.id }],
    "invite-member.ts#inviteMemberAction": [
      { email: `new-${h.randomSuffix()}@integration.test`, role: "member", grants: anyGrant() },
      { email: `new-${h.randomSuffix()}@integration.test`, role: "admin", grants: [] },
    ],
    "remove-member.ts#removeMemberAction": [
      { id: other.id, links: "revoke" },
      { id: owner.id, links: "keep" },
    ],
    "reveal-link.ts#revealLinkAction": links.map((l) => ({ id: l })),
    // Issue 18: Re-pin (canManageLink); the ETag is what the Owner would see (the file as it is now).
    "repin-link.ts#repinLinkAction": links.map((l) => ({ id: l, seenEtag: "" })),
    "revoke-api-token.ts#revokeApiTokenAction": [{ id: ownerTokenId }],
    "revoke-invite.ts#revokeInviteAction": [{ id: inviteId }],
    "revoke-link.ts#revokeLinkAction": links.map((l) => ({ id: l })),
    "save-appearance.ts#saveAppearanceAction": [{ name: "Taken over", accent: "#1d4ed8" }],
    "save-appearance.ts#resetAppearanceAction": [{}],
    "save-connection.ts#saveConnectionAction": [
      { id: connectionId, name: "Renamed", ...access },
      { name: "Another", ...access },
    ],
    // Issue 18: Settings → Connections → "Storage events" (connections.manage).
    "save-storage-events.ts#saveStorageEventsAction": [
      { connectionId, provider: "minio" },
      { connectionId, provider: "b2", secret: "k3Jd9QmZp2Xw7RtL5vNc8HbF4sGy6UaE" },
    ],
    "scan-files-share.ts#scanFilesShareAction": [{ connectionId, bucket, mode: "folder", prefix: "docs/", recursive: "on" }],
    "set-log-network-only.ts#setLogNetworkOnlyAction": [{ logNetworkOnly: "on" }],
    "share-again.ts#shareAgainAction": links.map((l) => ({ id: l })),
    "test-connection.ts#testConnectionAction": [{ id: connectionId, ...access }],
    "turn-off-storage-events.ts#turnOffStorageEventsAction": [{ connectionId }],
  };
  const inputs = table[id];
  if (!inputs) throw new Error(`${id}: a new action; add the input that would succeed for the Owner to this sweep`);
  return inputs;
}

/** Every row of the team, as the database holds it (JSON of each row, sorted); a token's use counters are bookkeeping of the request, not a change. */
async function teamSnapshot(): Promise<string> {
  const team = owner.id;
  const rows = await db.$queryRaw<{ t: string; r: unknown }[]>`
    SELECT 'users' AS t, to_jsonb(u) AS r FROM users u WHERE u.id = ${team} OR u.team_id = ${team}
    UNION ALL SELECT 'connections', to_jsonb(c) FROM storage_connections c WHERE c.owner_id = ${team}
    UNION ALL SELECT 'links', to_jsonb(l) FROM share_links l WHERE l.owner_id = ${team}
    UNION ALL SELECT 'link_health_checks', to_jsonb(x) FROM link_health_checks x WHERE x.link_id IN (SELECT id FROM share_links WHERE owner_id = ${team})
    UNION ALL SELECT 'link_files', to_jsonb(f) FROM share_link_files f WHERE f.link_id IN (SELECT id FROM share_links WHERE owner_id = ${team})
    UNION ALL SELECT 'invites', to_jsonb(i) FROM invites i WHERE i.team_id = ${team}
    UNION ALL SELECT 'grants', to_jsonb(g) FROM member_grants g WHERE g.user_id IN (SELECT id FROM users WHERE id = ${team} OR team_id = ${team})
    UNION ALL SELECT 'appearances', to_jsonb(a) FROM appearances a WHERE a.user_id IN (SELECT id FROM users WHERE id = ${team} OR team_id = ${team})
    UNION ALL SELECT 'tokens', to_jsonb(k) - 'last_used_at' - 'window_count' - 'window_started_at' FROM api_tokens k WHERE k.owner_id IN (SELECT id FROM users WHERE id = ${team} OR team_id = ${team})
    UNION ALL SELECT 'webhook_deliveries', to_jsonb(w) FROM webhook_deliveries w WHERE w.owner_id IN (SELECT id FROM users WHERE id = ${team} OR team_id = ${team})
    UNION ALL SELECT 'uploads', to_jsonb(p) FROM uploads p WHERE p.owner_id = ${team}
    UNION ALL SELECT 'upload_requests', to_jsonb(q) FROM upload_requests q WHERE q.link_id IN (SELECT id FROM share_links WHERE owner_id = ${team})
    UNION ALL SELECT 'audit', to_jsonb(e) FROM audit_events e WHERE e.team_id = ${team}`;
  return rows
    .map((row) => `${row.t} ${JSON.stringify(row.r)}`)
    .sort()
    .join("\n");
}

beforeAll(async () => {
  owner = await h.createTestUser("sweep-owner");
  connectionId = await createTestConnection(owner.id, storage, { name: "Team storage" });
  const admin = adminS3For(storage);
  bucket = await h.createBucket(admin);
  await h.putObjects(
    admin,
    bucket,
    ["report.pdf", "docs/a.txt", "docs/b.txt"].map((key) => ({ key, body: Buffer.from(`bytes of ${key}\n`) })),
  );
  const link = await as(owner, () => createShareLinkAction({ status: "idle" }, { connectionId, bucket, key: "report.pdf", linkType: "managed", preset: "7d" }));
  if (link.status !== "success") throw new Error(JSON.stringify(link));
  managedLink = link.data!.id;
  const files = await as(owner, () =>
    createFilesShareAction({ status: "idle" }, { connectionId, bucket, mode: "folder", prefix: "docs/", recursive: "on", preset: "7d" }),
  );
  if (files.status !== "success") throw new Error(JSON.stringify(files));
  filesShare = files.data!.id;
  // An upload request of the Owner's (written directly: this storage may have no bucket CORS for the dialog's check).
  const expiresAt = new Date(Date.now() + 7 * 86_400_000);
  uploadRequest = (
    await db.shareLink.create({
      data: {
        ownerId: owner.id,
        issuedById: owner.id,
        connectionId,
        connectionName: "Team storage",
        bucket,
        key: "docs/Sweep/",
        objectSize: 0n,
        requestedExpiresAt: expiresAt,
        expiresAt,
        expiresSoonAt: expiresAt,
        disposition: "attachment",
        fileName: "",
        urlEnc: "x",
        kind: "managed",
        target: "request",
        title: "Sweep",
        tokenHash: `sweep-${h.randomSuffix()}`,
        request: { create: { maxFiles: 10, maxFileSize: 1024n ** 3n, maxTotalSize: 5n * 1024n ** 3n } },
      },
    })
  ).id;
  const invite = await as(owner, () =>
    inviteMemberAction({ status: "idle" }, { email: `invited-${h.randomSuffix()}@integration.test`, role: "member", grants: [] }),
  );
  if (invite.status !== "success") throw new Error(JSON.stringify(invite));
  inviteId = invite.data!.id;
  ownerTokenId = (await createTestToken(owner.id, { scopes: API_SCOPES })).id;
  await db.user.update({ where: { id: owner.id }, data: { webhookUrl: "https://hooks.example.com/owner" } });
  bare = await member("bare", false);
  browser = await member("browser", true);
});

afterAll(async () => {
  await h.deleteTestUsers(bare, browser, owner);
});

describe("a Member without the right", () => {
  it("is refused by every server action, and the team's rows do not change", async () => {
    const actions = await allServerActions();
    const signedIn = actions.filter((a) => a.fn.access === "signed-in").map((a) => a.id);
    expect(
      actions
        .filter((a) => a.fn.access === "public")
        .map((a) => a.id)
        .sort(),
    ).toEqual(PUBLIC);
    for (const own of Object.keys(OWN_ACCOUNT)) expect(signedIn).toContain(own);
    const swept = actions.filter((a) => a.fn.access === "signed-in" && !(a.id in OWN_ACCOUNT));
    expect(swept.length).toBe(signedIn.length - Object.keys(OWN_ACCOUNT).length);

    const before = await teamSnapshot();
    const accepted: string[] = [];
    for (const actor of [bare, browser]) {
      for (const action of swept) {
        for (const input of inputsFor(action.id, actor)) {
          // An action that ends in redirect() did what it was asked: that is an acceptance too.
          const outcome = await as(actor, () => h.runRedirectingAction(() => action.fn({ status: "idle" }, input)));
          const refused = "state" in outcome && ["error", "invalid", "unauthorized"].includes(outcome.state.status);
          if (!refused) accepted.push(`${actor.name}: ${action.id} ${JSON.stringify(input)} → ${JSON.stringify(outcome)}`);
        }
      }
    }
    expect(accepted).toEqual([]);
    expect(await teamSnapshot()).toBe(before);
  });

  it("is refused by every API operation, even with a token of every scope, and the team's rows do not change", async () => {
    const document = await openApiDocument();
    const operations = Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
      Object.keys(item as object)
        .filter((m) => ["get", "post", "put", "patch", "delete"].includes(m))
        .map((m) => `${m.toUpperCase()} ${template}`),
    );
    const tokens = [
      { who: bare, token: (await createTestToken(bare.id, { scopes: API_SCOPES })).token },
      { who: browser, token: (await createTestToken(browser.id, { scopes: API_SCOPES })).token },
    ];
    const before = await teamSnapshot();
    const tried = new Set<string>();
    const problems: string[] = [];
    for (const { who, token } of tokens) {
      const call = async (
        method: string,
        template: string,
        path: string,
        expected: (status: number, json: { [k: string]: unknown }) => boolean,
        body?: unknown,
      ) => {
        tried.add(`${method} ${template}`);
        const res = await callApi({ method, path, token, body });
        if (!expected(res.status, res.json)) problems.push(`${who.name}: ${method} ${path} → ${res.status} ${JSON.stringify(res.json)}`);
      };
      const refused = (status: number) => status === 403 || status === 404;
      // Lists: only what the Member may see (the browser sees the connection it browses, no links).
      await call(
        "GET",
        "/connections",
        "/connections",
        (s, j) =>
          s === 200 && JSON.stringify((j.connections as { id: string }[]).map((c) => c.id)) === JSON.stringify(who.id === browser.id ? [connectionId] : []),
      );
      await call("GET", "/links", "/links", (s, j) => s === 200 && (j.links as unknown[]).length === 0);
      if (who.id === bare.id) {
        await call("GET", "/connections/{id}/buckets", `/connections/${connectionId}/buckets`, refused);
        await call("GET", "/objects", `/objects?${new URLSearchParams({ connection: connectionId, bucket, prefix: "" })}`, refused);
      }
      for (const id of [managedLink, filesShare, uploadRequest]) {
        await call("GET", "/links/{id}", `/links/${id}`, refused);
        await call("GET", "/links/{id}/events", `/links/${id}/events`, refused);
        await call("PATCH", "/links/{id}", `/links/${id}`, refused, { note: "taken over" });
        await call("POST", "/links/{id}/revoke", `/links/${id}/revoke`, refused);
        await call("DELETE", "/links/{id}", `/links/${id}`, refused);
      }
      await call("POST", "/links", "/links", refused, { connectionId, bucket, key: "report.pdf", type: "managed", expiresIn: 3600 });
      await call("POST", "/links", "/links", refused, { connectionId, bucket, files: { folder: "docs/" } });
      await call("POST", "/upload-requests", "/upload-requests", refused, { connectionId, bucket, folder: "docs/", title: "Taken over" });
      await call("GET", "/upload-requests/{id}", `/upload-requests/${uploadRequest}`, refused);
    }
    expect(problems).toEqual([]);
    expect(await teamSnapshot()).toBe(before);
    // Reading the browsable connection is the browser's right (member-objects.test.ts); every other operation was tried above.
    expect(new Set(operations)).toEqual(tried);
  });
});
