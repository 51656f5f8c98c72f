import { z } from "zod";
import { b2SecretSchema } from "@/lib/storage-events/format";

/** Settings → Connections → "Storage events": the provider, and for Backblaze B2 the rule's signing secret. */
export const storageEventsSchema = z.discriminatedUnion("provider", [
  z.object({ connectionId: z.string().trim().min(1).max(64), provider: z.literal("minio") }),
  z.object({ connectionId: z.string().trim().min(1).max(64), provider: z.literal("b2"), secret: b2SecretSchema }),
]);

export const storageEventsOffSchema = z.object({ connectionId: z.string().trim().min(1).max(64) });
