import "server-only";
import { z } from "zod";
import { tokenUser } from "@/lib/api/auth";
import { API_BASE_PATH, defineEndpoint, etagMatches, etagOf } from "@/lib/api/endpoint";
import { ApiProblem, type FieldProblem } from "@/lib/api/problem";
import { idParam, nullableDateTime, toIso, toIsoOrNull } from "@/lib/api/schemas/common";
import {
  createdLinkSchema,
  createLinkBodySchema,
  EXPIRY_FIELDS,
  linkEventListSchema,
  linkEventsQuerySchema,
  linkListSchema,
  linkSchema,
  listLinksQuerySchema,
  requestedExpiryOfBody,
  toLinkRequest,
  updateLinkBodySchema,
  type ApiCreatedLink,
  type ApiLink,
  type ExpiryField,
} from "@/lib/api/schemas/links";
import { storageProblem } from "@/lib/api/storage-problem";
import type { Actor } from "@/lib/auth/permissions";
import { AppError, hasReason } from "@/lib/errors";
import { deleteLinkFromHistory, getLinkRecord, listLinkRecords, revealLinkUrl, type LinkRecord } from "@/lib/links/history";
import { issueShareLink, NO_SUCH_BUCKET_MESSAGE } from "@/lib/links/issue";
import { issueFilesShare } from "@/lib/links/issue-files";
import { issuedLinkWarnings } from "@/lib/links/expiry";
import { changeLink, DIRECT_CANNOT, getLinkDetails, listAccessLog, REVOKED_CANNOT, revokeLink, type LinkDetails } from "@/lib/links/manage";
import { openConnection, type OpenConnection } from "@/lib/storage/connections";
import { listFolder } from "@/lib/storage/listing";

/**
 * POST /links, GET /links, GET|PATCH /links/{id}, POST /links/{id}/revoke, GET /links/{id}/events:
 * Quick Share, the history and the link page for scripts. Creating converts the body into the same
 * typed request the dialogs make (toLinkRequest) for issueShareLink / issueFilesShare; changes go
 * through changeLink. The token's user is the actor (tokenUser): every query names the links they
 * see (linkScope: a Member's own, the team's for Admins and the Owner), so another's link is simply
 * not found; changes ask canManageLink (a Member without Can share on the object any more: 409).
 */

const linkIdParams = idParam("The link's id.");
const NOT_FOUND = "No link in your history has this id.";

function notFound(): ApiProblem {
  return new ApiProblem("not-found", NOT_FOUND, { errors: [{ in: "path", field: "id", message: "Unknown link." }] });
}

/** A link of the history, but not an upload request (those are /upload-requests' own): null when none. */
async function shareLinkDetails(actor: Actor, id: string): Promise<LinkDetails | null> {
  const details = await getLinkDetails(actor, id);
  return details && details.target !== "request" ? details : null;
}

/** The Link representation (without `url` unless given: JSON leaves an undefined field out). One object literal, one shape. */
function toApiLink(link: LinkDetails | LinkRecord, url?: string | null): ApiLink {
  return {
    id: link.id,
    type: link.kind,
    url,
    status: link.status,
    connectionId: link.connectionId,
    connectionName: link.connectionName,
    bucket: link.bucket,
    key: link.key,
    fileName: link.fileName,
    disposition: link.disposition === "attachment" ? "attachment" : "inline",
    contentType: link.contentTypeOverride,
    note: link.note,
    objectSize: link.objectSize,
    createdAt: toIso(link.createdAt),
    expiresAt: link.neverExpires ? null : toIso(link.expiresAt),
    neverExpires: link.neverExpires,
    downloadLimit: link.downloadLimit,
    downloadCount: link.downloadCount,
    lastAccessAt: toIsoOrNull(link.lastAccessAt),
    revokedAt: toIsoOrNull(link.revokedAt),
    objectState: link.objectState,
    health: link.health,
    checkedAt: toIsoOrNull(link.health ? link.healthCheckedAt : null),
    passwordProtected: link.hasPassword,
    allowedNetworks: link.allowedNetworks,
    alwaysLatest: link.kind === "managed" && !link.pinned,
    target: link.target === "files" ? "files" : "object",
    title: link.title,
    fileCount: link.fileCount,
    issuedBy: issuerOf(link),
  };
}

function issuerOf(link: LinkDetails | LinkRecord): ApiLink["issuedBy"] {
  if ("issuedById" in link) return link.issuedById && link.issuedBy ? { id: link.issuedById, name: link.issuedBy.name, removed: link.issuedBy.removed } : null;
  return link.issuedBy;
}

/** One link with its URL, as GET /links/{id} answers (the URL only while the link still works, as "Copy link"). */
async function readLink(actor: Actor, id: string, issuedUrl?: string, read?: LinkDetails | (LinkRecord & { canManage: boolean })): Promise<ApiLink> {
  const details = read ?? (await shareLinkDetails(actor, id));
  if (!details) throw notFound();
  let url: string | null = issuedUrl ?? null;
  // The URL is handed out as "Copy link" is: to who may act on the link (canManageLink).
  if (url === null && details.canManage && details.status !== "revoked" && details.status !== "expired") {
    url = await revealLinkUrl(actor, id).catch((error: unknown) => {
      // It expired (or was revoked, or its issuer lost Can share) between the two reads.
      if (hasReason(error, "link_not_usable", "link_not_manageable")) return null;
      throw error;
    });
  }
  return toApiLink(details, url);
}

/** A link just created (or replayed under its Idempotency-Key), with its warnings: derived from the stored link, so a replay answers the same. */
async function readCreatedLink(actor: Actor, id: string, issuedUrl?: string): Promise<ApiCreatedLink> {
  // One statement (node-postgres), the issuer joined: a share link of the actor's history, as shareLinkDetails reads it.
  const record = await getLinkRecord(actor, id);
  const details = record && record.target !== "request" ? record : null;
  if (!details) throw notFound();
  const warnings = issuedLinkWarnings(details).map((w) => ({ ...w, requestedExpiresAt: toIso(w.requestedExpiresAt), expiresAt: toIso(w.expiresAt) }));
  return { ...(await readLink(actor, id, issuedUrl, details)), warnings };
}

const wholeSecond = () => new Date(Math.floor(Date.now() / 1000) * 1000);

function invalid(errors: FieldProblem[]): ApiProblem {
  const names = [...new Set(errors.map((e) => e.field))].join(", ");
  return new ApiProblem("invalid-request", `Check ${names}: see errors for each field. Nothing was changed.`, { errors });
}

/** HEAD found nothing: a missing bucket answers HEAD with a bare 404 too, so ask the bucket itself which it is. */
async function missingObjectProblem(open: OpenConnection, bucket: string, message: string, field: string): Promise<ApiProblem> {
  try {
    await listFolder(open, bucket, "", { pageSize: 1 });
  } catch (error) {
    const problem = storageProblem(error, { bucket: "body" });
    if (problem instanceof ApiProblem && problem.errors?.some((e) => e.field === "bucket")) {
      return new ApiProblem("not-found", NO_SUCH_BUCKET_MESSAGE, { errors: [{ in: "body", field: "bucket", message: "No such bucket." }] });
    }
  }
  return new ApiProblem("not-found", message, { errors: [{ in: "body", field, message: "No such object." }] });
}

/**
 * issueShareLink / issueFilesShare refusals that name a field only the request knows (which expiry
 * field was given; "files" for what a snapshot cannot share); the wrapper maps the other reasons.
 */
async function issueProblem(error: unknown, context: { open: OpenConnection; bucket: string; expiryField: ExpiryField; files: boolean }): Promise<unknown> {
  if (!(error instanceof AppError)) return storageProblem(error, { bucket: "body", key: context.files ? undefined : "body" });
  if (error.reason === "invalid_expiry") return invalid([{ in: "body", field: context.expiryField, message: error.message }]);
  if (error.reason === "link_type_not_granted") return invalid([{ in: "body", field: "type", message: error.message }]);
  if (context.files && (error.reason === "dot_segment_key" || error.reason === "unusable_selection"))
    return invalid([{ in: "body", field: "files", message: error.message }]);
  if (error.reason === "no_such_object") return missingObjectProblem(context.open, context.bucket, error.message, context.files ? "files.keys" : "key");
  return error;
}

export const createLinkEndpoint = defineEndpoint({
  method: "post",
  path: "/links",
  operationId: "createLink",
  summary: "Create a link",
  description:
    "Quick Share: a direct link (a presigned S3 URL, at most 7 days) or a managed link (checked by Bucketshare at each use: revocable, with an optional download limit, password, allowed networks and no expiry) to one object (`key`); or a multi-file share (`files`: a folder or keys, always managed) as Share selected / Share folder make. The answer holds the `url` to hand out, the true `expiresAt` and `warnings` (what differs from what was asked: a direct link on temporary credentials ends with them, never silently). Send an `Idempotency-Key` to retry safely. A Member may link only to objects inside their grant (404 otherwise), with the link types and longest expiry it allows (400 naming `type` or the expiry field).",
  tag: "Links",
  scope: "links:write",
  body: createLinkBodySchema,
  success: { status: 201, description: "The link, with its url, its true `expiresAt` and `warnings`.", schema: createdLinkSchema, location: true },
  problems: ["not-found", "storage-error", "storage-timeout"],
  idempotent: {
    replay: async ({ caller }, createdId) => ({
      status: 201,
      body: await readCreatedLink(tokenUser(caller), createdId),
      headers: { Location: `${API_BASE_PATH}/links/${createdId}` },
    }),
  },
  handler: async ({ caller, body, created }) => {
    const expiryField = EXPIRY_FIELDS.find((field) => body[field] !== undefined) ?? "expiresIn";
    const user = tokenUser(caller);
    // The token's person with their rights now: the grant is checked again when the link is issued.
    const open = await openConnection(user, body.connectionId);
    if (!open)
      throw new ApiProblem("not-found", "No connection has this id.", { errors: [{ in: "body", field: "connectionId", message: "Unknown connection." }] });

    const link = toLinkRequest(body);
    const context = { open, bucket: body.bucket, expiryField, files: link.target === "files" };
    const issuing =
      link.target === "files" ? issueFilesShare(user, link.request, { qr: false, open }) : issueShareLink(user, link.request, { qr: false, open });
    const issued = await issuing.catch(async (error: unknown) => {
      throw await issueProblem(error, context);
    });
    // Recorded for Idempotency-Key before anything else can fail: a retry gets this link, not a second one.
    await created(issued.id);
    return {
      status: 201,
      body: await readCreatedLink(user, issued.id, issued.url),
      headers: { Location: `${API_BASE_PATH}/links/${issued.id}` },
      createdId: issued.id,
    };
  },
});

export const listLinksEndpoint = defineEndpoint({
  method: "get",
  path: "/links",
  operationId: "listLinks",
  summary: "List links (the history)",
  description:
    "Every link you issued, newest first, with the history's filters. Revoked links count only as `revoked`, not as expired or active. Upload requests are not listed (they are not share links): read them with GET /upload-requests/{id}.",
  tag: "Links",
  scope: "links:read",
  query: listLinksQuerySchema,
  success: { status: 200, description: "One page of the history.", schema: linkListSchema },
  handler: async ({ caller, query }) => {
    const { limit, ...filter } = query;
    const page = await listLinkRecords(tokenUser(caller), { ...filter, withoutRequests: true }, new Date(), limit);
    return { body: { links: page.rows.map((row) => toApiLink(row)), nextCursor: page.nextCursor } };
  },
});

export const getLinkEndpoint = defineEndpoint({
  method: "get",
  path: "/links/{id}",
  operationId: "getLink",
  summary: "Read a link",
  description:
    "One link with its `url` (null once revoked or expired). Send the ETag back in If-None-Match (304 when unchanged) or, to change it, in If-Match.",
  tag: "Links",
  scope: "links:read",
  params: linkIdParams,
  success: { status: 200, description: "The link.", schema: linkSchema, etag: true },
  handler: async ({ caller, params }) => ({ body: await readLink(tokenUser(caller), params.id) }),
});

/** Refusals for a change the link's state does not allow (409, naming the fields). */
function conflict(detail: string, fields: string[]): ApiProblem {
  return new ApiProblem("conflict", detail, { errors: fields.map((field) => ({ in: "body" as const, field, message: detail })) });
}

export const updateLinkEndpoint = defineEndpoint({
  method: "patch",
  path: "/links/{id}",
  operationId: "updateLink",
  summary: "Change a link",
  description:
    "Expiry (counted from now), download limit, password and allowed networks for managed links; the note for any link. A new or removed password and new networks apply from the recipient's next request (who entered the old password must enter the new one). A direct link's expiry is part of its signature and cannot change. A revoked link cannot change. Send If-Match with the ETag you read to refuse (412) a change to a link that changed meanwhile.",
  tag: "Links",
  scope: "links:write",
  params: linkIdParams,
  body: updateLinkBodySchema,
  success: { status: 200, description: "The changed link.", schema: linkSchema, etag: true },
  problems: ["conflict", "precondition-failed"],
  handler: async ({ caller, params, body, request }) => {
    const actor = tokenUser(caller);
    // One read gives both the ETag compared with If-Match and the state the UPDATE requires (changeLink's unchangedSince).
    const details = await shareLinkDetails(actor, params.id);
    if (!details) throw notFound();
    const current = await readLink(actor, params.id, undefined, details);
    const ifMatch = request.headers.get("if-match");
    const preconditionFailed = () =>
      new ApiProblem(
        "precondition-failed",
        "The link changed since you read it (If-Match does not match its ETag). Read it again, then decide. Nothing was changed.",
        {
          errors: [{ in: "header", field: "If-Match", message: "Not the link's current ETag." }],
        },
      );
    if (ifMatch !== null && !etagMatches(ifMatch, etagOf(JSON.stringify(current)), { strong: true })) throw preconditionFailed();
    const expiryField = EXPIRY_FIELDS.find((field) => body[field] !== undefined);
    const given = [
      ...(expiryField ? [expiryField] : []),
      ...(body.downloadLimit !== undefined ? ["downloadLimit"] : []),
      ...(body.note !== undefined ? ["note"] : []),
      ...(body.password !== undefined ? ["password"] : []),
      ...(body.allowedNetworks !== undefined ? ["allowedNetworks"] : []),
    ];
    if (current.status === "revoked") throw conflict(REVOKED_CANNOT, given);
    if (current.type === "direct") {
      const managedOnly = given.filter((field) => field !== "note");
      if (managedOnly.length) throw conflict(DIRECT_CANNOT, managedOnly);
    }
    // From a whole second, so that an expiresAt in whole seconds is kept exactly.
    const now = wholeSecond();
    try {
      await changeLink(
        actor,
        details,
        {
          expiry: requestedExpiryOfBody(body) ?? undefined,
          downloadLimit: body.downloadLimit,
          note: body.note,
          password: body.password,
          allowedNetworks: body.allowedNetworks,
        },
        { now, unchangedSince: ifMatch !== null ? details : undefined },
      );
    } catch (error) {
      if (hasReason(error, "invalid_expiry") && expiryField) throw invalid([{ in: "body", field: expiryField, message: error.message }]);
      if (hasReason(error, "link_changed")) throw preconditionFailed();
      // Revoked or removed between the read and the write.
      if (hasReason(error, "revoked_cannot_change")) throw conflict(REVOKED_CANNOT, given);
      if (hasReason(error, "no_such_link")) throw notFound();
      throw error;
    }
    return { body: await readLink(actor, params.id) };
  },
});

export const revokeLinkEndpoint = defineEndpoint({
  method: "post",
  path: "/links/{id}/revoke",
  operationId: "revokeLink",
  summary: "Revoke a link",
  description:
    "Managed links stop working at once, on every instance. Revoking again changes nothing. Direct links cannot be revoked (409): S3 cannot take a presigned URL back.",
  tag: "Links",
  scope: "links:write",
  params: linkIdParams,
  success: { status: 200, description: "The revoked link.", schema: linkSchema },
  problems: ["conflict"],
  handler: async ({ caller, params }) => {
    const actor = tokenUser(caller);
    const details = await shareLinkDetails(actor, params.id);
    if (!details) throw notFound();
    if (details.kind === "direct") throw new ApiProblem("conflict", DIRECT_CANNOT);
    try {
      await revokeLink(actor, params.id);
    } catch (error) {
      if (hasReason(error, "no_such_link")) throw notFound();
      throw error;
    }
    return { body: await readLink(actor, params.id) };
  },
});

export const deleteLinkEndpoint = defineEndpoint({
  method: "delete",
  path: "/links/{id}",
  operationId: "deleteLink",
  summary: "Remove a link from the history",
  description:
    "As Delete in the history: the link leaves the history and the API (404 afterwards), and a managed link is revoked with it. A direct link is a presigned URL S3 cannot take back: it keeps working until `directLinkWorksUntil`.",
  tag: "Links",
  scope: "links:write",
  params: linkIdParams,
  success: {
    status: 200,
    description: "The link was removed.",
    schema: z
      .object({
        id: z.string(),
        deleted: z.literal(true),
        directLinkWorksUntil: nullableDateTime.meta({ description: "For a direct link that has not expired yet: when its URL stops working. Null otherwise." }),
      })
      .meta({ id: "DeletedLink" }),
  },
  handler: async ({ caller, params }) => {
    const actor = tokenUser(caller);
    const details = await shareLinkDetails(actor, params.id);
    if (!details) throw notFound();
    try {
      await deleteLinkFromHistory(actor, params.id);
    } catch (error) {
      if (hasReason(error, "no_such_link")) throw notFound();
      throw error;
    }
    const stillWorks = details.kind === "direct" && details.expiresAt.getTime() > Date.now();
    return { body: { id: details.id, deleted: true as const, directLinkWorksUntil: stillWorks ? toIso(details.expiresAt) : null } };
  },
});

export const listLinkEventsEndpoint = defineEndpoint({
  method: "get",
  path: "/links/{id}/events",
  operationId: "listLinkEvents",
  summary: "Read a link's access log",
  description:
    "What recipients did with a managed link (page views, downloads, refusals), newest first, every event as written (a page's preview is an event of its own). Events are written a moment after the request they record.",
  tag: "Links",
  scope: "links:read",
  params: linkIdParams,
  query: linkEventsQuerySchema,
  success: { status: 200, description: "One page of the access log.", schema: linkEventListSchema },
  handler: async ({ caller, params, query }) => {
    const actor = tokenUser(caller);
    if (!(await shareLinkDetails(actor, params.id))) throw notFound();
    const page = await listAccessLog(actor, params.id, query.cursor, query.limit, { foldPreviews: false });
    return {
      body: {
        events: page.rows.map((row) => ({
          time: toIso(row.createdAt),
          outcome: row.outcome as z.infer<typeof linkEventListSchema>["events"][number]["outcome"],
          reason: row.reason,
          clientAddress: row.clientAddress,
          userAgent: row.userAgent,
          previewAgent: row.previewAgent,
          filePath: row.filePath,
        })),
        nextCursor: page.nextCursor,
      },
    };
  },
});

export const LINK_ENDPOINTS = [
  createLinkEndpoint,
  listLinksEndpoint,
  getLinkEndpoint,
  updateLinkEndpoint,
  deleteLinkEndpoint,
  revokeLinkEndpoint,
  listLinkEventsEndpoint,
];
