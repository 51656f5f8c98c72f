import { z } from "zod";
import { checkRateProblem } from "@/lib/health/rate";
import { PROVIDERS, type ProviderId } from "@/lib/storage/provider-presets";
import { parseEndpoint } from "@/lib/validation/endpoint";

const providerIds = PROVIDERS.map((p) => p.id) as [ProviderId, ...ProviderId[]];

const checkbox = z
  .union([z.literal("on"), z.literal("true"), z.literal("false"), z.literal(""), z.boolean()])
  .optional()
  .transform((v) => v === true || v === "on" || v === "true");

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** S3 bucket names (3–63 characters of a-z, 0-9, dots and hyphens; some providers allow more, so only the basics). */
const bucketName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}$/, "Bucket names use letters, digits, dots, hyphens and underscores.");

/**
 * "Health checks per second": blank for the default (null: HEALTH_CHECK_RATE), else a number above 0 and
 * at most MAX_CHECK_RATE (lib/health/rate.ts checkRateProblem says why not). Left out: unchanged.
 */
export const healthCheckRateField = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    if (v === null || (typeof v === "string" && v.trim() === "")) return null;
    const rate = typeof v === "number" ? v : /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(v) ? Number(v) : Number.NaN;
    const problem = checkRateProblem(rate);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return rate;
  });

export const connectionSchema = z.object({
  id: optionalText,
  name: z.string({ error: "Give the connection a name." }).trim().min(1, "Give the connection a name.").max(64, "Use at most 64 characters."),
  provider: z.enum(providerIds, { error: "Choose a provider." }),
  endpoint: z
    .string({ error: "Enter the endpoint URL." })
    .trim()
    .min(1, "Enter the endpoint URL.")
    .max(512, "Use at most 512 characters.")
    .transform((v, ctx) => {
      // Only a URL (lib/validation/endpoint.ts): it is stored as parsed, never as typed.
      const check = parseEndpoint(v);
      if (check.ok) return check.endpoint.normalized;
      ctx.addIssue({ code: "custom", message: check.message });
      return z.NEVER;
    }),
  region: z
    .string({ error: "Enter a region." })
    .trim()
    .min(1, "Enter a region, such as us-east-1.")
    .max(64)
    .regex(/^[a-zA-Z0-9-_]+$/, "A region has no spaces: letters, digits and hyphens, such as us-east-1."),
  forcePathStyle: checkbox,
  accessKeyId: z.string({ error: "Enter the access key ID." }).trim().min(1, "Enter the access key ID.").max(256),
  secretAccessKey: optionalText,
  sessionToken: optionalText,
  sessionTokenExpiresAt: optionalText.pipe(z.iso.datetime({ offset: true, message: "Enter when the temporary credentials expire." }).optional()),
  clearSessionToken: checkbox,
  buckets: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(/[\s,]+/)
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(bucketName).max(100, "List at most 100 buckets.")),
  healthCheckRate: healthCheckRateField,
});

export type ConnectionInput = z.infer<typeof connectionSchema>;

export const connectionIdSchema = z.object({ id: z.string().trim().min(1).max(64) });
