import { z } from "zod";

/** "Add lifecycle rule" on Settings: one bucket of one connection. */
export const lifecycleRuleSchema = z.object({
  connectionId: z.string().trim().min(1, "Choose a storage connection.").max(64),
  bucket: z.string().min(1, "Choose a bucket.").max(255),
});
