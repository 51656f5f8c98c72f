import "server-only";
import { z } from "zod";
import { defineEndpoint } from "@/lib/api/endpoint";
import { ApiProblem } from "@/lib/api/problem";
import { tokenUser } from "@/lib/api/auth";
import { type Actor, can, listingView } from "@/lib/auth/permissions";
import { cursorField, idParam, nullableDateTime, toIsoOrNull } from "@/lib/api/schemas/common";
import { withStorageProblems } from "@/lib/api/storage-problem";
import { getEnv } from "@/lib/env";
import { listConnections, openConnection } from "@/lib/storage/connections";
import { listBuckets, listFolder, PAGE_SIZE } from "@/lib/storage/listing";

/**
 * GET /connections, GET /connections/{id}/buckets, GET /objects: what the token's person browses in
 * the app, with their rights at this moment (a token's rights = its scopes ∩ its person's rights).
 */

const connectionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    provider: z.string().meta({ description: "The provider preset chosen in Settings (aws, digitalocean, minio, r2, …; custom for any other)." }),
    endpoint: z.string().meta({ description: "The S3 endpoint URL (empty for AWS S3's default)." }),
    region: z.string(),
    temporaryCredentialsExpireAt: nullableDateTime.meta({ description: "When temporary credentials (a session token) end; null for long-lived keys." }),
    healthChecksPerSecond: z.number().nullable().meta({
      description:
        "The link health checker's pace on this connection (HeadObject requests per second, at most 50): its setting in Settings → Connections, or the server's default (HEALTH_CHECK_RATE). Null for a Member.",
    }),
  })
  .meta({ id: "Connection" });

export const listConnectionsEndpoint = defineEndpoint({
  method: "get",
  path: "/connections",
  operationId: "listConnections",
  summary: "List storage connections",
  description: "The connections you may browse. For a Member: only those they were granted, with provider, endpoint and region left empty.",
  tag: "Storage",
  scope: "objects:read",
  success: { status: 200, description: "The connections, in the order Settings lists them.", schema: z.object({ connections: z.array(connectionSchema) }) },
  handler: async ({ caller }) => {
    const actor = tokenUser(caller);
    const connections = await listConnections(actor);
    // A Member never sees a connection's endpoint or settings: the fields stay, empty.
    const settings = can(actor, "connections.manage");
    return {
      body: {
        connections: connections.map((c) => ({
          id: c.id,
          name: c.name,
          provider: settings ? c.provider : "",
          endpoint: settings ? c.endpoint : "",
          region: settings ? c.region : "",
          temporaryCredentialsExpireAt: toIsoOrNull(c.sessionTokenExpiresAt),
          healthChecksPerSecond: settings ? (c.healthCheckRate ?? getEnv().HEALTH_CHECK_RATE) : null,
        })),
      },
    };
  },
});

async function openOrNotFound(actor: Actor, id: string, where: "path" | "query", field: string) {
  const open = await openConnection(actor, id);
  if (!open) throw new ApiProblem("not-found", "No connection has this id.", { errors: [{ in: where, field, message: "Unknown connection." }] });
  return open;
}

export const listBucketsEndpoint = defineEndpoint({
  method: "get",
  path: "/connections/{id}/buckets",
  operationId: "listBuckets",
  summary: "List a connection's buckets",
  description: "The buckets listed in the connection's settings, or else every bucket its credentials can list.",
  tag: "Storage",
  scope: "objects:read",
  params: idParam("The connection's id."),
  success: {
    status: 200,
    description: "The buckets.",
    schema: z.object({ buckets: z.array(z.object({ name: z.string(), createdAt: nullableDateTime }).meta({ id: "Bucket" })) }),
  },
  problems: ["storage-error", "storage-timeout"],
  handler: async ({ caller, params }) => {
    const open = await openOrNotFound(tokenUser(caller), params.id, "path", "id");
    const buckets = await withStorageProblems(() => listBuckets(open));
    return { body: { buckets: buckets.map((b) => ({ name: b.name, createdAt: toIsoOrNull(b.createdAt) })) } };
  },
});

const objectsQuery = z.strictObject({
  connection: z.string().min(1, "Name the connection (its id).").max(64).meta({ description: "The connection's id." }),
  bucket: z.string().min(1, "Name the bucket.").max(255),
  prefix: z.string().max(1024).optional().default("").meta({ description: 'The folder to list, ending in "/" ("" for the top).' }),
  cursor: cursorField,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .default(PAGE_SIZE)
    .meta({ description: `Entries per page (folders and objects), 1–1000; default ${PAGE_SIZE}.` }),
});

export const listObjectsEndpoint = defineEndpoint({
  method: "get",
  path: "/objects",
  operationId: "listObjects",
  summary: "List a folder's objects",
  description:
    'One page of a folder, as the bucket browser shows it: sub-folders ("common prefixes") and objects directly inside `prefix`. A Member whose grant names a folder sees only inside it: above it, just the one sub-folder leading down to it; beside it, 404.',
  tag: "Storage",
  scope: "objects:read",
  query: objectsQuery,
  success: {
    status: 200,
    description: "One page of the folder.",
    schema: z.object({
      prefix: z.string(),
      folders: z.array(z.object({ prefix: z.string() }).meta({ id: "Folder" })),
      objects: z.array(
        z
          .object({
            key: z.string(),
            size: z.int().min(0),
            lastModified: nullableDateTime,
            etag: z.string().nullable(),
            storageClass: z.string().nullable(),
          })
          .meta({ id: "StoredObject" }),
      ),
      nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
    }),
  },
  problems: ["not-found", "storage-error", "storage-timeout"],
  handler: async ({ caller, query }) => {
    const actor = tokenUser(caller);
    const open = await openOrNotFound(actor, query.connection, "query", "connection");
    const view = listingView(actor, "browse", open.connection.id, query.bucket, query.prefix);
    // Beside a Member's folder: as if it did not exist. Above it: only the folder leading down to it.
    if (view === "none")
      throw new ApiProblem("not-found", "No folder has this prefix.", { errors: [{ in: "query", field: "prefix", message: "Unknown folder." }] });
    if (view !== "all") return { body: { prefix: query.prefix, folders: [{ prefix: view.only }], objects: [], nextCursor: null } };
    const page = await withStorageProblems(() => listFolder(open, query.bucket, query.prefix, { token: query.cursor, pageSize: query.limit }), {
      bucket: "query",
    });
    return {
      body: {
        prefix: query.prefix,
        folders: page.folders,
        objects: page.objects.map((o) => ({ ...o, lastModified: toIsoOrNull(o.lastModified) })),
        nextCursor: page.nextToken,
      },
    };
  },
});
