"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { recordAuditAfter } from "@/lib/audit/record";
import { log } from "@/lib/log";
import { STORAGE_EVENT_PROVIDER_LABELS } from "@/lib/storage-events/format";
import { turnOnStorageEvents } from "@/lib/storage-events/settings";
import { storageEventsSchema } from "@/lib/validation/storage-events";

export type StorageEventsSecretData = { secret: string | null };

/**
 * "Turn on storage events" (Settings → Connections, Owner and Admins): the provider that pushes object
 * events to /hooks/storage/<id>. MinIO: a new auth token is made and shown once (the previous one stops
 * working); Backblaze B2: the rule's signing secret, pasted.
 */
export const saveStorageEventsAction = signedInAction<typeof storageEventsSchema, StorageEventsSecretData>(
  "saveStorageEvents",
  storageEventsSchema,
  async (input, user) => {
    const { name, secret } = await turnOnStorageEvents(
      user,
      input.connectionId,
      input.provider === "b2" ? { provider: "b2", secret: input.secret } : { provider: "minio" },
    );
    const label = STORAGE_EVENT_PROVIDER_LABELS[input.provider];
    await recordAuditAfter({
      actor: { id: user.id },
      kind: "connection.changed",
      subject: name,
      subjectId: input.connectionId,
      details: { change: secret ? `storage events from ${label}: new token` : `storage events from ${label}: signing secret saved` },
    });
    log.info("storage_events.turned_on", { connectionId: input.connectionId, provider: input.provider });
    return {
      message: secret
        ? `Storage events from ${label} are on for ${name}. Copy the token now: it is shown only this once.`
        : `Storage events from ${label} are on for ${name}: deliveries signed with that secret are taken.`,
      data: { secret },
      revalidate: ["/settings/connections"],
    };
  },
);
