import { z } from "zod";
import { isCleanFolder } from "@/lib/auth/permissions";
import { emailField, PASSWORD_MIN_LENGTH } from "@/lib/validation/auth";

/**
 * Settings → Members: the invite form, a member's change form, removal, revoking an invite, and the
 * invite page's form. A form names its connections in `grants` (one value per connection shown) and
 * each connection's fields as `<field>:<connectionId>` ("canBrowse:c123", "folder:c123", …).
 */

const id = z.string().trim().min(1).max(64);

/** "Longest expiry" choices: none, or 1, 7, 30 or 90 days (in seconds). */
export const LONGEST_EXPIRY_CHOICES = [
  { value: "", label: "No limit" },
  { value: "86400", label: "1 day" },
  { value: "604800", label: "7 days" },
  { value: "2592000", label: "30 days" },
  { value: "7776000", label: "90 days" },
] as const;

export const LINK_TYPE_CHOICES = [
  { value: "managed", label: "Managed links only" },
  { value: "both", label: "Managed and direct links" },
] as const;

const grantSchema = z.object({
  connectionId: id,
  canBrowse: z.boolean(),
  canShare: z.boolean(),
  canUpload: z.boolean().optional().default(false),
  canRequest: z.boolean().optional().default(false),
  bucket: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  folder: z.string().trim().max(1024, "Use at most 1024 characters."),
  linkTypes: z.enum(["managed", "both"], { error: "Choose the link types." }),
  longestExpirySeconds: z
    .enum(["", ...LONGEST_EXPIRY_CHOICES.slice(1).map((c) => c.value)] as [string, ...string[]], { error: "Choose a longest expiry." })
    .transform((v) => (v === "" ? null : Number(v))),
});

export type GrantInput = z.infer<typeof grantSchema>;

/** The field a grant's problem is shown under. */
export function grantFieldName(field: string, connectionId: string): string {
  return `${field}:${connectionId}`;
}

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Form fields (or a plain object with `grants` already a list) → { …, grants: [{ connectionId, … }] }. */
function withGrants(raw: unknown): unknown {
  if (!raw || typeof raw !== "object") return raw;
  const input = raw as Record<string, unknown>;
  const list = asList(input.grants);
  if (list.length > 0 && list.every((g) => typeof g === "object" && g !== null)) return input;
  const grants = [...new Set(list.filter((g): g is string => typeof g === "string"))].map((connectionId) => ({
    connectionId,
    canBrowse: input[grantFieldName("canBrowse", connectionId)] === "on",
    canShare: input[grantFieldName("canShare", connectionId)] === "on",
    canUpload: input[grantFieldName("canUpload", connectionId)] === "on",
    canRequest: input[grantFieldName("canRequest", connectionId)] === "on",
    bucket: input[grantFieldName("bucket", connectionId)] ?? "",
    folder: input[grantFieldName("folder", connectionId)] ?? "",
    linkTypes: input[grantFieldName("linkTypes", connectionId)] ?? "both",
    longestExpirySeconds: input[grantFieldName("longestExpiry", connectionId)] ?? "",
  }));
  return { ...input, grants };
}

function checkPlaces(value: { grants: GrantInput[] }, ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  for (const grant of value.grants) {
    if (seen.has(grant.connectionId)) {
      ctx.addIssue({ code: "custom", path: ["grants"], message: "Each connection can be granted once." });
      return;
    }
    seen.add(grant.connectionId);
    const bucket = grant.bucket;
    if (bucket !== null && (bucket.length > 255 || /[/\u0000-\u001f\u007f]/.test(bucket))) {
      const message = bucket.length > 255 ? "Use at most 255 characters." : "A bucket name has no “/” and no control characters.";
      ctx.addIssue({ code: "custom", path: [grantFieldName("bucket", grant.connectionId)], message });
    }
    const folder = grant.folder;
    if (!isCleanFolder(folder)) {
      ctx.addIssue({
        code: "custom",
        path: [grantFieldName("folder", grant.connectionId)],
        message:
          "Use a folder path like press/ or press/2026/: ending in “/”, without a leading “/”, empty parts, “.” or “..”. Leave it empty for the whole bucket.",
      });
    }
  }
}

const roleField = z.enum(["owner", "admin", "member"], { error: "Choose a role." });

export const inviteMemberSchema = z.preprocess(
  withGrants,
  z
    .object({
      email: emailField,
      role: roleField,
      grants: z.array(grantSchema).max(200),
    })
    .superRefine(checkPlaces),
);

export const changeMemberSchema = z.preprocess(
  withGrants,
  z
    .object({
      id,
      role: roleField,
      grants: z.array(grantSchema).max(200),
    })
    .superRefine(checkPlaces),
);

export const removeMemberSchema = z.object({
  id,
  links: z.enum(["keep", "revoke"], { error: "Choose what happens to their managed links." }),
});

export const revokeInviteSchema = z.object({ id });

export const handOwnershipSchema = z.object({ id });

export const acceptInviteSchema = z
  .object({
    token: z.string().max(64),
    name: z.string({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
    password: z
      .string({ error: "Choose a password." })
      .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
      .max(1024, "Use at most 1024 characters."),
    confirmPassword: z.string({ error: "Type the password again." }),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." });
