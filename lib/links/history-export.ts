import "server-only";
import { z } from "zod";
import { can } from "@/lib/auth/permissions";
import type { SessionRouteContext } from "@/lib/http/with-session";
import { csvRow } from "@/lib/links/csv";
import { iterateLinks } from "@/lib/links/history";
import { issuerLabel } from "@/lib/links/issuer";
import { STATUS_LABEL } from "@/lib/links/status";
import { REQUEST_STATUS_LABEL } from "@/lib/upload-requests/request";
import { log } from "@/lib/log";
import { historyFilterSchema, type HistoryFilter } from "@/lib/validation/share";

const COLUMNS = [
  "status",
  "connection",
  "bucket",
  "key",
  "file_name",
  "disposition",
  "content_type_override",
  "size_bytes",
  "note",
  "created_at",
  "expires_at",
  "requested_expires_at",
  "type",
  "downloads",
  "download_limit",
  "last_access_at",
  "revoked_at",
  "object_state",
];
/** For Admins and the Owner, whose export holds every link of the team: who issued each. */
const ISSUER_COLUMN = "issued_by";

/**
 * The history page's filters as its "Export CSV" link carries them (`scope` is "<connection>::<bucket>").
 * Like the page, an unknown value falls back to "all" rather than failing the download.
 */
export const historyExportQuerySchema = z
  .object({
    status: z.string().optional(),
    type: z.string().optional(),
    scope: z.string().optional(),
    q: z.string().optional(),
    issuedBy: z.string().optional(),
  })
  .transform(({ scope, q, issuedBy, ...rest }): HistoryFilter => {
    const [connection, bucket] = (scope ?? "").split("::");
    return historyFilterSchema.parse({
      ...rest,
      connection: connection || undefined,
      bucket: bucket || undefined,
      q: q || undefined,
      issuedBy: issuedBy || undefined,
    });
  });

/** "Export CSV": the filtered history, without URLs (they are bearer credentials). */
export async function exportHistoryCsv({ user, query: filter }: SessionRouteContext<unknown, HistoryFilter>): Promise<Response> {
  const encoder = new TextEncoder();
  const teamWide = can(user, "links.all");
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(encoder.encode(csvRow(teamWide ? [...COLUMNS, ISSUER_COLUMN] : COLUMNS)));
        for await (const link of iterateLinks(user, filter)) {
          const fields = [
            link.request ? REQUEST_STATUS_LABEL[link.request.status] : STATUS_LABEL[link.status],
            link.connectionName,
            link.bucket,
            link.key,
            link.fileName,
            link.disposition,
            link.contentTypeOverride ?? "",
            String(link.request ? link.request.receivedBytes : link.objectSize),
            link.note ?? "",
            link.createdAt.toISOString(),
            link.neverExpires ? "never" : link.expiresAt.toISOString(),
            link.neverExpires ? "never" : link.requestedExpiresAt.toISOString(),
            // An upload request: "request", the files received of the most, the last upload.
            link.request ? "request" : link.kind,
            link.request ? String(link.request.receivedFiles) : link.kind === "managed" ? String(link.downloadCount) : "",
            link.request ? String(link.request.maxFiles) : link.downloadLimit === null ? "" : String(link.downloadLimit),
            (link.request ? link.request.lastUploadAt : link.lastAccessAt)?.toISOString() ?? "",
            link.revokedAt?.toISOString() ?? "",
            link.objectState ?? "",
            ...(teamWide ? [issuerLabel(link.issuedBy)] : []),
          ];
          controller.enqueue(encoder.encode(csvRow(fields)));
        }
        controller.close();
      } catch (error) {
        log.error("links.export_failed", { error });
        controller.error(error);
      }
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="bucketshare-links-${date}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
