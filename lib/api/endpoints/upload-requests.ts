import "server-only";
import { API_BASE_PATH, defineEndpoint } from "@/lib/api/endpoint";
import { ApiProblem } from "@/lib/api/problem";
import { idParam, toIso, toIsoOrNull } from "@/lib/api/schemas/common";
import { type ApiUploadRequest, createUploadRequestBodySchema, toUploadRequestFromBody, uploadRequestSchema } from "@/lib/api/schemas/upload-requests";
import { tokenUser } from "@/lib/api/auth";
import type { Actor } from "@/lib/auth/permissions";
import { hasReason } from "@/lib/errors";
import { revealLinkUrl } from "@/lib/links/history";
import { getLinkDetails } from "@/lib/links/manage";
import { issueUploadRequest } from "@/lib/upload-requests/issue";
import { getRequestFacts, listReceivedFiles } from "@/lib/upload-requests/manage";

/**
 * POST /upload-requests and GET /upload-requests/{id}: "Request files" for scripts, through the same
 * core as the dialog (issueUploadRequest). The token's user is the actor; a request outside the links
 * they see is not found. GET /links leaves upload requests out.
 */

const NOT_FOUND = "No upload request in your history has this id.";

async function readRequest(actor: Actor, id: string, issuedUrl?: string): Promise<ApiUploadRequest> {
  const now = new Date();
  const link = await getLinkDetails(actor, id, now);
  const facts = link?.target === "request" ? await getRequestFacts(actor, id, now) : null;
  if (!link || !facts) throw new ApiProblem("not-found", NOT_FOUND, { errors: [{ in: "path", field: "id", message: "Unknown upload request." }] });
  let url: string | null = issuedUrl ?? null;
  if (url === null && link.canManage && facts.status !== "closed" && facts.status !== "expired") {
    url = await revealLinkUrl(actor, id).catch((error: unknown) => {
      if (hasReason(error, "link_not_usable", "link_not_manageable")) return null;
      throw error;
    });
  }
  const files = await listReceivedFiles(actor, id);
  return {
    id: link.id,
    url,
    status: facts.status,
    title: link.title ?? "",
    message: facts.message,
    connectionId: link.connectionId,
    connectionName: link.connectionName,
    bucket: link.bucket,
    folder: link.key,
    maxFiles: facts.maxFiles,
    maxFileSize: facts.maxFileSize,
    maxTotalSize: facts.maxTotalSize,
    allowedTypes: facts.allowedTypes,
    askName: facts.askName,
    askEmail: facts.askEmail,
    folderPerUploader: facts.folderPerUploader,
    passwordProtected: link.hasPassword,
    createdAt: toIso(link.createdAt),
    expiresAt: link.neverExpires ? null : toIso(link.expiresAt),
    neverExpires: link.neverExpires,
    closedAt: toIsoOrNull(link.revokedAt),
    receivedFiles: facts.receivedFiles,
    receivedBytes: facts.receivedBytes,
    uploadsInProgress: Math.max(0, facts.reservedFiles - facts.receivedFiles),
    lastUploadAt: toIsoOrNull(facts.lastUploadAt),
    files: files.map((f) => ({
      name: f.fileName,
      key: f.key,
      size: f.size,
      detectedType: f.detectedType,
      uploaderName: f.uploaderName,
      uploaderEmail: f.uploaderEmail,
      uploaderAddress: f.uploaderAddress,
      receivedAt: toIso(f.receivedAt),
    })),
  };
}

export const createUploadRequestEndpoint = defineEndpoint({
  method: "post",
  path: "/upload-requests",
  operationId: "createUploadRequest",
  summary: "Create an upload request",
  description:
    "Request files: a link `<server>/u/<token>` people without an account open to upload files straight into the bucket, into `<folder><title or date>/`, within the limits given (defaults: 10 files, 1 GiB each, 5 GiB in all). The bucket's CORS must let browsers at the app's address upload (400 naming `bucket` otherwise). Send an `Idempotency-Key` to retry safely. Needs the `request` right on the folder: the Owner and Admins, or a Member whose grant has Can request uploads (403 otherwise; 404 for a folder outside their grant).",
  tag: "Upload requests",
  scope: "links:write",
  body: createUploadRequestBodySchema,
  success: { status: 201, description: "The upload request, with its url.", schema: uploadRequestSchema, location: true },
  problems: ["not-found", "storage-error", "storage-timeout"],
  idempotent: {
    replay: async ({ caller }, createdId) => ({
      status: 201,
      body: await readRequest(tokenUser(caller), createdId),
      headers: { Location: `${API_BASE_PATH}/upload-requests/${createdId}` },
    }),
  },
  handler: async ({ caller, body, created }) => {
    const actor = tokenUser(caller);
    const issued = await issueUploadRequest(actor, toUploadRequestFromBody(body), { qr: false });
    await created(issued.id);
    return {
      status: 201,
      body: await readRequest(actor, issued.id, issued.url),
      headers: { Location: `${API_BASE_PATH}/upload-requests/${issued.id}` },
      createdId: issued.id,
    };
  },
});

export const getUploadRequestEndpoint = defineEndpoint({
  method: "get",
  path: "/upload-requests/{id}",
  operationId: "getUploadRequest",
  summary: "Read an upload request",
  description: "Its limits, counters, status (open, full, expired, closed) and the files received, with the upload link while it still takes files.",
  tag: "Upload requests",
  scope: "links:read",
  params: idParam("The upload request's id."),
  success: { status: 200, description: "The upload request.", schema: uploadRequestSchema },
  handler: async ({ caller, params }) => ({ body: await readRequest(tokenUser(caller), params.id) }),
});

export const UPLOAD_REQUEST_ENDPOINTS = [createUploadRequestEndpoint, getUploadRequestEndpoint];
