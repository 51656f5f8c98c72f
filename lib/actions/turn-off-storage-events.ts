"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { recordAuditAfter } from "@/lib/audit/record";
import { log } from "@/lib/log";
import { turnOffStorageEvents } from "@/lib/storage-events/settings";
import { storageEventsOffSchema } from "@/lib/validation/storage-events";

/** "Turn off storage events": deliveries to the connection's hook are refused from now on; the secret is forgotten. */
export const turnOffStorageEventsAction = signedInAction("turnOffStorageEvents", storageEventsOffSchema, async (input, user) => {
  const { name, changed } = await turnOffStorageEvents(user, input.connectionId);
  if (!changed) return { message: `Storage events were already off for ${name}. Nothing was changed.` };
  await recordAuditAfter({
    actor: { id: user.id },
    kind: "connection.changed",
    subject: name,
    subjectId: input.connectionId,
    details: { change: "storage events turned off" },
  });
  log.info("storage_events.turned_off", { connectionId: input.connectionId });
  return { message: `Storage events are off for ${name}: only the scheduled checks look at its links now.`, revalidate: ["/settings/connections"] };
});
