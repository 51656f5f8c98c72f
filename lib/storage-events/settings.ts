import "server-only";
import { randomBytes } from "node:crypto";
import { type Actor, can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { managedLinkBase } from "@/lib/links/issue";
import { newEventsToken, STORAGE_EVENT_PROVIDERS, type StorageEventProvider } from "@/lib/storage-events/format";
import { CONNECTIONS_MANAGE_MESSAGE } from "@/lib/storage/connections";
import { seal } from "@/lib/storage/sealed";

/**
 * Settings → Connections → "Storage events": per connection, which provider pushes object events to
 * /hooks/storage/<connection id> and the secret that proves a delivery is its own, sealed like the
 * connection's keys (lib/storage/sealed.ts). MinIO: Bucketshare makes the token (MinIO's auth_token) and
 * shows it once. Backblaze B2 makes the signing secret itself when a rule is saved, so the Owner or an
 * Admin pastes it here. Only who may manage connections (connections.manage) sees or changes this.
 */

export type StorageEventsSetting = { provider: StorageEventProvider | null; url: string };

/** The address a provider posts to: <PUBLIC_URL>/hooks/storage/<id> (the browser's address when PUBLIC_URL is not set, as for managed links). */
export async function storageEventsUrl(connectionId: string): Promise<string> {
  return `${await managedLinkBase()}/hooks/storage/${connectionId}`;
}

async function manageableConnection(actor: Actor, connectionId: string) {
  if (!can(actor, "connections.manage")) throw new AppError("forbidden", CONNECTIONS_MANAGE_MESSAGE);
  const connection = await db.storageConnection.findFirst({
    where: { id: connectionId, ownerId: actor.teamId },
    select: { id: true, name: true, eventsProvider: true },
  });
  if (!connection) throw new AppError("not_found", "This connection does not exist (any more). Nothing was changed.");
  return connection;
}

/** Each of the actor's team's connections: its storage events provider (null = off). */
export async function listStorageEventsSettings(actor: Actor): Promise<Record<string, StorageEventProvider | null>> {
  if (!can(actor, "connections.manage")) return {};
  const rows = await db.storageConnection.findMany({ where: { ownerId: actor.teamId }, select: { id: true, eventsProvider: true } });
  return Object.fromEntries(rows.map((r) => [r.id, STORAGE_EVENT_PROVIDERS.find((p) => p === r.eventsProvider) ?? null]));
}

/**
 * Turns storage events on (or changes the provider or secret). MinIO: a new token is made and returned
 * (shown once); the previous one stops working at once. B2: the pasted signing secret is stored; null is returned.
 */
export async function turnOnStorageEvents(
  actor: Actor,
  connectionId: string,
  choice: { provider: "minio" } | { provider: "b2"; secret: string },
): Promise<{ name: string; secret: string | null }> {
  const connection = await manageableConnection(actor, connectionId);
  const secret = choice.provider === "minio" ? newEventsToken(randomBytes) : choice.secret;
  await db.storageConnection.update({
    where: { id: connection.id },
    data: { eventsProvider: choice.provider, eventsSecretEnc: seal("storageEventsSecret", connection.id, secret, getRuntimeSecrets().encryptionKey) },
  });
  return { name: connection.name, secret: choice.provider === "minio" ? secret : null };
}

/** Turns storage events off: deliveries are refused from now on; the scheduled checks go on. */
export async function turnOffStorageEvents(actor: Actor, connectionId: string): Promise<{ name: string; changed: boolean }> {
  const connection = await manageableConnection(actor, connectionId);
  if (!connection.eventsProvider) return { name: connection.name, changed: false };
  await db.storageConnection.update({ where: { id: connection.id }, data: { eventsProvider: null, eventsSecretEnc: null } });
  return { name: connection.name, changed: true };
}
