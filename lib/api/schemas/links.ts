import { z } from "zod";
import { HEALTH_OUTCOMES } from "@/lib/health/outcome";
import { LINK_HEALTH_FILTERS } from "@/lib/links/filters";
import { cursorField, isoDateTime, nullableDateTime } from "@/lib/api/schemas/common";
import {
  DEFAULT_EXPIRY_PRESET,
  EXPIRY_MESSAGES,
  MANAGED_EXPIRY_PRESETS,
  MAX_EXPIRY_SECONDS,
  MAX_MANAGED_EXPIRY_SECONDS,
  MIN_EXPIRY_SECONDS,
} from "@/lib/links/expiry";
import { ACCESS_LOG_PAGE_SIZE, HISTORY_PAGE_SIZE } from "@/lib/links/filters";
import { LINK_STATUSES } from "@/lib/links/status";
import type { LinkOutcome } from "@/lib/recipient/access-log";
import type { FilesShareRequest, RequestedExpiry, ShareLinkRequest } from "@/lib/links/share-request";
import {
  allowedNetworksField,
  contentTypeOverrideProblem,
  DOWNLOAD_LIMIT_MESSAGE,
  historyFilterSchema,
  MANAGED_ONLY_MESSAGE,
  MAX_DOWNLOAD_LIMIT,
  objectRefSchema,
  shareOptionsSchema,
} from "@/lib/validation/share";
import { createFilesShareSchema, filesSourceSchema } from "@/lib/validation/share-files";
import { linkPasswordProblem, MIN_LINK_PASSWORD_LENGTH, NEW_LINK_PASSWORD_TOO_SHORT } from "@/lib/links/link-password";
import { parseRange } from "@/lib/security/cidr";

/**
 * The link endpoints' schemas. Field rules and messages are Quick Share's own (lib/validation/share.ts):
 * the API only changes the shape (JSON types, camelCase, seconds and ISO dates for expiry).
 */

export const LINK_TYPES = ["direct", "managed"] as const;
const LINK_OUTCOMES = ["page_view", "download", "refused", "wrong_password", "unlocked"] as const satisfies readonly LinkOutcome[];

export const linkSchema = z
  .object({
    id: z.string(),
    type: z.enum(LINK_TYPES).meta({
      description:
        "direct: a presigned S3 URL (at most 7 days, cannot be revoked or changed). managed: <server>/s/<token>, checked by Bucketshare at each use.",
    }),
    url: z
      .string()
      .nullable()
      .optional()
      .meta({ description: "The link to hand out. Only in answers about one link (never in lists); null once the link is revoked or expired." }),
    status: z.enum(LINK_STATUSES).meta({
      description:
        "The first that applies: revoked; expired; limit_reached (every allowed download was served); missing or changed (a use found the shared object deleted or replaced); expires_soon (less than min(1 hour, a quarter of its life) is left); active.",
    }),
    connectionId: z.string().nullable().meta({ description: "Null once the connection was deleted (connectionName keeps the name it was issued under)." }),
    connectionName: z.string(),
    bucket: z.string(),
    key: z.string().meta({ description: 'The object; for a multi-file share (target "files"), the shared folder or the selection\'s common folder.' }),
    fileName: z.string().meta({ description: "The name the recipient's browser saves the file under." }),
    disposition: z.enum(["inline", "attachment"]),
    contentType: z.string().nullable().meta({ description: "The Content-Type override, or null to serve the object's own." }),
    note: z.string().nullable(),
    objectSize: z.int().min(0).meta({ description: "Bytes, when the link was made (the total for a multi-file share)." }),
    createdAt: isoDateTime,
    expiresAt: nullableDateTime.meta({
      description: "When the link stops working (earlier than asked when temporary credentials end first); null when it never expires.",
    }),
    neverExpires: z.boolean(),
    downloadLimit: z.int().min(1).nullable().meta({ description: "Managed links: downloads allowed; null = unlimited." }),
    downloadCount: z.int().min(0).meta({ description: "Managed links: downloads served (page views and link previews do not count)." }),
    lastAccessAt: nullableDateTime,
    revokedAt: nullableDateTime,
    objectState: z.enum(["changed", "missing"]).nullable().meta({ description: "Set once a use found the shared object replaced or deleted." }),
    health: z.enum(HEALTH_OUTCOMES).nullable().meta({
      description:
        "The last health check's outcome (HeadObject on a schedule, or Check now): ok, missing, changed (another ETag or version than the pin), access_denied (the connection's key is refused), connection_failing, dies_early (a direct link signed with temporary credentials that end before its expiry); null = not checked yet.",
    }),
    checkedAt: nullableDateTime.meta({ description: "When `health` was found; null = not checked yet." }),
    passwordProtected: z.boolean(),
    allowedNetworks: z.array(z.string()).meta({ description: "CIDR ranges recipients must come from (canonical form); empty = anywhere." }),
    alwaysLatest: z
      .boolean()
      .meta({ description: "Managed links: serve whatever the key holds now, instead of refusing once the object changed (false for direct links)." }),
    target: z.enum(["object", "files"]),
    title: z.string().nullable().meta({ description: "Multi-file shares: the title the recipient sees." }),
    fileCount: z.int().min(0).nullable().meta({ description: "Multi-file shares: the number of files." }),
    issuedBy: z
      .object({
        id: z.string(),
        name: z.string(),
        removed: z.boolean().meta({ description: "The person was removed from the team; the link keeps naming them." }),
      })
      .nullable()
      .meta({ id: "Issuer", description: "Who issued the link; null for a link from before teams whose issuer is gone." }),
  })
  .meta({ id: "Link" });
export type ApiLink = z.input<typeof linkSchema>;

export const linkWarningSchema = z
  .object({
    reason: z.enum(["credentials_end_first"]).meta({
      description:
        "credentials_end_first: a direct link signed with the connection's temporary credentials stops working when they end, earlier than asked (expiresAt is that true end).",
    }),
    message: z.string().meta({ description: "The warning in the dialog's words." }),
    requestedExpiresAt: isoDateTime.meta({ description: "The expiry that was asked for." }),
    expiresAt: isoDateTime.meta({ description: "When the link really stops working." }),
  })
  .meta({ id: "LinkWarning" });

/** POST /links: the link and what differs from the request (the link is made either way). */
export const createdLinkSchema = linkSchema
  .extend({
    warnings: z.array(linkWarningSchema).meta({
      description:
        "What differs from what was asked, each with a stable `reason`; empty when the link is exactly as asked. Nothing is ever shortened silently.",
    }),
  })
  .meta({ id: "CreatedLink" });
export type ApiCreatedLink = z.input<typeof createdLinkSchema>;

/** Expiry in the API: seconds from now, an instant, or never (managed links); at most one of them. */
export const expiresIn = z
  .int()
  .min(MIN_EXPIRY_SECONDS, EXPIRY_MESSAGES.tooShort)
  .max(MAX_MANAGED_EXPIRY_SECONDS, EXPIRY_MESSAGES.managedTooLong)
  .optional()
  .meta({
    description: `Seconds from now, ${MIN_EXPIRY_SECONDS} to ${MAX_EXPIRY_SECONDS} (7 days) for direct links, up to ${MAX_MANAGED_EXPIRY_SECONDS} for managed ones.`,
  });
export const expiresAt = isoDateTime.optional().meta({ description: "When the link stops working (same limits as expiresIn)." });
export const neverExpires = z.literal(true).optional().meta({ description: "Managed links only: no expiry." });
export const EXPIRY_FIELDS = ["expiresIn", "expiresAt", "neverExpires"] as const;
export type ExpiryField = (typeof EXPIRY_FIELDS)[number];

export function atMostOneExpiry(body: Partial<Record<ExpiryField, unknown>>, ctx: z.RefinementCtx): void {
  const given = EXPIRY_FIELDS.filter((field) => body[field] !== undefined);
  for (const field of given.slice(1)) {
    ctx.addIssue({ code: "custom", path: [field], message: `Give at most one of expiresIn, expiresAt and neverExpires (${given[0]} is already given).` });
  }
}

const downloadLimit = z
  .int(DOWNLOAD_LIMIT_MESSAGE)
  .min(1, DOWNLOAD_LIMIT_MESSAGE)
  .max(MAX_DOWNLOAD_LIMIT, DOWNLOAD_LIMIT_MESSAGE)
  .nullable()
  .optional()
  .meta({ description: "Managed links: downloads allowed (1 = one-time); null or absent = unlimited." });

const sourceShape = filesSourceSchema.shape;

/** A multi-file share's files: a folder (with or without its subfolders, optionally names matching a pattern) or keys. */
const filesField = z
  .strictObject({
    folder: sourceShape.prefix.unwrap().optional().meta({ description: 'A folder prefix ending in "/" ("" for the whole bucket).' }),
    includeSubfolders: z.boolean().optional().meta({ description: "With folder: its subfolders' files too (default false)." }),
    pattern: sourceShape.pattern.meta({ description: "With folder: only file names matching this glob, such as *.pdf." }),
    keys: sourceShape.keys.unwrap().optional().meta({ description: "Objects in one bucket; their paths in the share are relative to their common folder." }),
  })
  .superRefine((files, ctx) => {
    if (files.folder === undefined && files.keys === undefined) ctx.addIssue({ code: "custom", path: ["folder"], message: "Give folder or keys." });
    if (files.folder !== undefined && files.keys !== undefined) ctx.addIssue({ code: "custom", path: ["keys"], message: "Give folder or keys, not both." });
    if (files.keys !== undefined) {
      for (const field of ["includeSubfolders", "pattern"] as const) {
        if (files[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: "Only a folder takes this option." });
      }
    }
  })
  .meta({
    id: "LinkFiles",
    description: "Either `folder` (with optional `includeSubfolders` and `pattern`) or `keys`. The share is a snapshot: files added later are not part of it.",
  });

const OBJECT_ONLY = ["disposition", "fileName", "contentType", "alwaysLatest"] as const;
const FILES_ONLY = ["title", "zipAllowed"] as const;

export const createLinkBodySchema = z
  .strictObject({
    connectionId: objectRefSchema.shape.connectionId.meta({ description: "The connection's id (GET /connections)." }),
    bucket: objectRefSchema.shape.bucket,
    key: objectRefSchema.shape.key.optional().meta({ description: "The object's key (GET /objects). Give key, or files for a multi-file share." }),
    files: filesField.optional(),
    type: z.enum(LINK_TYPES, { error: "Choose direct or managed." }).optional().meta({ description: "Default direct; a multi-file share is always managed." }),
    expiresIn,
    expiresAt,
    neverExpires,
    disposition: shareOptionsSchema.shape.disposition.unwrap().optional().meta({ description: "inline (default): open in the browser; attachment: download." }),
    fileName: shareOptionsSchema.shape.fileName.meta({ description: "The name to save under (default: the key's last segment)." }),
    contentType: shareOptionsSchema.shape.contentType.meta({
      description: "A Content-Type to serve the object with. Types a browser would run as a page (HTML, SVG, XML, JavaScript) need disposition attachment.",
    }),
    note: shareOptionsSchema.shape.note.meta({ description: "For you: shown in the history, never to recipients." }),
    downloadLimit,
    password: shareOptionsSchema.shape.password.meta({ description: "Managed links: recipients must enter it. Stored as a hash only." }),
    allowedNetworks: z
      .array(z.string())
      .optional()
      .transform((list) => list?.join("\n"))
      .pipe(allowedNetworksField)
      .meta({ description: "Managed links: IPv4/IPv6 addresses or CIDR ranges recipients must come from (at most 100)." }),
    alwaysLatest: z.boolean().optional().meta({
      description: "Managed links: serve the key's current object even after it changed (default false: the link refuses once the object was replaced).",
    }),
    title: createFilesShareSchema.shape.title.meta({ description: 'Multi-file shares: the title recipients see (default: the folder\'s name, or "N files").' }),
    zipAllowed: z.boolean().optional().meta({ description: "Multi-file shares: offer Download all as one ZIP (default true)." }),
  })
  .superRefine(atMostOneExpiry)
  .superRefine((body, ctx) => {
    if (body.key === undefined && body.files === undefined)
      ctx.addIssue({ code: "custom", path: ["key"], message: "Give key, or files for a multi-file share." });
    if (body.key !== undefined && body.files !== undefined) ctx.addIssue({ code: "custom", path: ["files"], message: "Give key or files, not both." });
    if (body.files === undefined) {
      // Quick Share's own rules for a link to one object, in its words (as createShareSchema checks them).
      const problem = contentTypeOverrideProblem(body.contentType, body.disposition ?? "inline");
      if (problem) ctx.addIssue({ code: "custom", path: ["contentType"], message: problem });
      if ((body.type ?? "direct") === "direct") {
        const managedOnly = {
          downloadLimit: body.downloadLimit != null,
          password: body.password !== undefined,
          allowedNetworks: body.allowedNetworks.length > 0,
          alwaysLatest: body.alwaysLatest === true,
        };
        for (const [field, given] of Object.entries(managedOnly)) if (given) ctx.addIssue({ code: "custom", path: [field], message: MANAGED_ONLY_MESSAGE });
      }
    }
    if (body.files !== undefined) {
      if (body.type === "direct")
        ctx.addIssue({ code: "custom", path: ["type"], message: "A multi-file share is a managed link: leave type out or choose managed." });
      for (const field of OBJECT_ONLY) {
        if (body[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: "Only a link to one object (key) takes this option." });
      }
    } else {
      for (const field of FILES_ONLY) {
        if (body[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: "Only a multi-file share (files) takes this option." });
      }
    }
  })
  .meta({
    id: "CreateLink",
    description:
      "A link to one object (key) or a multi-file share (files, always managed). At most one of expiresIn, expiresAt and neverExpires; without any, a link to one object lasts 1 hour and a multi-file share 7 days (the app's defaults).",
  });
export type CreateLinkBody = z.output<typeof createLinkBodySchema>;

/** The seconds of a dialog's preset (the API's defaults are the dialogs'). */
const presetSeconds = (id: string) => MANAGED_EXPIRY_PRESETS.find((preset) => preset.id === id)!.seconds;
/** Without an expiry field: Quick Share's default (1 hour), and the files dialog's (7 days). */
const DEFAULT_EXPIRY_SECONDS = { object: presetSeconds(DEFAULT_EXPIRY_PRESET), files: presetSeconds(createFilesShareSchema.shape.preset.parse(undefined)) };

/** The API's expiry fields (at most one given) as the requested expiry; null when none is given. */
export function requestedExpiryOfBody(body: { expiresIn?: number; expiresAt?: string; neverExpires?: true }): RequestedExpiry | null {
  if (body.neverExpires) return { never: true };
  if (body.expiresIn !== undefined) return { seconds: body.expiresIn };
  if (body.expiresAt !== undefined) return { at: new Date(body.expiresAt) };
  return null;
}

/** POST /links's body as the request issueShareLink (key) or issueFilesShare (files) takes. */
export function toLinkRequest(body: CreateLinkBody): { target: "object"; request: ShareLinkRequest } | { target: "files"; request: FilesShareRequest } {
  const options = {
    note: body.note ?? null,
    downloadLimit: body.downloadLimit ?? null,
    password: body.password ?? null,
    allowedNetworks: body.allowedNetworks,
    timeZone: "UTC",
  };
  if (body.files) {
    const files = body.files;
    const source =
      files.keys !== undefined
        ? { mode: "keys" as const, keys: files.keys, prefix: "", recursive: false, pattern: undefined }
        : { mode: "folder" as const, keys: [], prefix: files.folder ?? "", recursive: files.includeSubfolders ?? false, pattern: files.pattern };
    return {
      target: "files",
      request: {
        connectionId: body.connectionId,
        bucket: body.bucket,
        ...source,
        expiry: requestedExpiryOfBody(body) ?? { seconds: DEFAULT_EXPIRY_SECONDS.files },
        title: body.title ?? null,
        zipAllowed: body.zipAllowed ?? true,
        ...options,
      },
    };
  }
  return {
    target: "object",
    request: {
      connectionId: body.connectionId,
      bucket: body.bucket,
      key: body.key!,
      kind: body.type ?? "direct",
      expiry: requestedExpiryOfBody(body) ?? { seconds: DEFAULT_EXPIRY_SECONDS.object },
      disposition: body.disposition ?? "inline",
      fileName: body.fileName ?? null,
      contentType: body.contentType ?? null,
      alwaysLatest: body.alwaysLatest ?? false,
      ...options,
    },
  };
}

export const UPDATABLE_FIELDS = [...EXPIRY_FIELDS, "downloadLimit", "note", "password", "allowedNetworks"] as const;

/** PATCH: a new password under new links' rule, or null to remove it. */
const newPassword = z
  .union([
    z.null(),
    z
      .string()
      .max(256, "Use at most 256 characters.")
      .refine((password) => password !== "" && linkPasswordProblem(password) === null, NEW_LINK_PASSWORD_TOO_SHORT),
  ])
  .optional()
  .meta({
    description: `Managed links: a new password (at least ${MIN_LINK_PASSWORD_LENGTH} characters), or null to remove it. Recipients who entered the old one must enter the new one.`,
  });

/** PATCH: the whole list, each entry checked where it stands (allowedNetworks.N); stored canonical and without repeats. */
const newAllowedNetworks = z
  .array(
    z.string().superRefine((entry, ctx) => {
      if (parseRange(entry) === null)
        ctx.addIssue({
          code: "custom",
          message: `Not an IPv4/IPv6 address or CIDR range: "${entry.slice(0, 60)}". Use forms such as 203.0.113.0/24 or 2001:db8::/32.`,
        });
    }),
  )
  .max(100, "List at most 100 networks.")
  .transform((list) => [...new Set(list.map((entry) => parseRange(entry)!.text))])
  .optional()
  .meta({ description: "Managed links: IPv4/IPv6 addresses or CIDR ranges recipients must come from (at most 100); [] = anywhere." });

export const updateLinkBodySchema = z
  .strictObject({
    expiresIn,
    expiresAt,
    neverExpires,
    downloadLimit,
    note: z
      .union([z.null(), shareOptionsSchema.shape.note.transform((note) => note ?? null)])
      .optional()
      .meta({ description: "For you: shown in the history; null or empty clears it." }),
    password: newPassword,
    allowedNetworks: newAllowedNetworks,
  })
  .superRefine(atMostOneExpiry)
  .superRefine(
    (body, ctx) => {
      if (UPDATABLE_FIELDS.every((field) => body[field] === undefined)) {
        ctx.addIssue({ code: "custom", path: [], message: `Send at least one of ${UPDATABLE_FIELDS.join(", ")}.` });
      }
    },
    // An unknown field is reason enough: say only that.
    { when: (payload) => payload.issues.length === 0 },
  )
  .meta({
    id: "UpdateLink",
    description:
      "Expiry, download limit, password and allowed networks: managed links only. At most one of expiresIn, expiresAt and neverExpires, counted from now.",
  });
export type UpdateLinkBody = z.output<typeof updateLinkBodySchema>;

const filter = historyFilterSchema.shape;

export const listLinksQuerySchema = z.strictObject({
  status: filter.status.unwrap().default("all"),
  type: z.enum(["all", "direct", "managed"]).default("all").meta({ description: "Upload requests are not listed here: see /upload-requests." }),
  health: z
    .enum(LINK_HEALTH_FILTERS)
    .default("all")
    .meta({ description: "Only live links (not revoked or expired) whose last health check found this; needs-attention: any outcome but ok." }),
  connection: filter.connection.unwrap().meta({ description: "Only links of this connection (its id)." }),
  bucket: filter.bucket.unwrap().meta({ description: "Only links to this bucket." }),
  q: filter.q.unwrap().meta({ description: "Text in the key, note or title (case-insensitive)." }),
  issuedBy: filter.issuedBy
    .unwrap()
    .meta({ description: "Only links issued by this person (their id). Admins and the Owner; a Member's list holds only their own links anyway." }),
  cursor: cursorField,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .optional()
    .default(HISTORY_PAGE_SIZE)
    .meta({ description: `Links per page, 1–200; default ${HISTORY_PAGE_SIZE}.` }),
});

export const linkListSchema = z.object({
  links: z.array(linkSchema).meta({ description: "Newest first. Items carry no `url`: read one link (GET /links/{id}) for it." }),
  nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
});

export const linkEventSchema = z
  .object({
    time: isoDateTime,
    outcome: z.enum(LINK_OUTCOMES),
    reason: z.string().nullable().meta({
      description:
        "Why a request was refused (expired, revoked, limit, network, changed, missing, rate_limited; password in events written before password_page), what a page view was (password_page: asked for the password; preview: the page's preview) or why it was not counted (preview_agent, head), or that a wrong password locked the link (locked_out).",
    }),
    clientAddress: z.string().nullable().meta({ description: "The recipient's address, or only its network part when you chose so in Settings." }),
    userAgent: z.string().nullable(),
    previewAgent: z.boolean().meta({ description: "A chat or mail app fetching a preview, not a person." }),
    filePath: z.string().nullable().meta({ description: 'Multi-file shares: which file ("*" for Download all).' }),
  })
  .meta({ id: "LinkEvent" });

export const linkEventsQuerySchema = z.strictObject({
  cursor: cursorField,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .optional()
    .default(ACCESS_LOG_PAGE_SIZE)
    .meta({ description: `Events per page, 1–200; default ${ACCESS_LOG_PAGE_SIZE}.` }),
});

export const linkEventListSchema = z.object({
  events: z.array(linkEventSchema).meta({ description: "Newest first." }),
  nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
});
