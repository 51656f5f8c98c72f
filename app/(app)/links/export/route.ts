import { getSessionUser } from "@/lib/auth/session";
import { csvRow } from "@/lib/links/csv";
import { iterateLinks } from "@/lib/links/history";
import { STATUS_LABEL } from "@/lib/links/status";
import { log } from "@/lib/log";
import { historyFilterSchema } from "@/lib/validation/share";

export const dynamic = "force-dynamic";

const COLUMNS = ["status", "connection", "bucket", "key", "file_name", "disposition", "content_type_override", "size_bytes", "note", "created_at", "expires_at", "requested_expires_at", "type", "downloads", "download_limit", "last_access_at", "revoked_at", "object_state"];

/** "Export CSV": the filtered history, without URLs (they are bearer credentials). */
export async function GET(request: Request) {
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "Sign in first." }, { status: 401 });
  const params = new URL(request.url).searchParams;
  const [connection, bucket] = (params.get("scope") ?? "").split("::");
  const filter = historyFilterSchema.parse({
    status: params.get("status") ?? undefined,
    type: params.get("type") ?? undefined,
    connection: connection || undefined,
    bucket: bucket || undefined,
    q: params.get("q") || undefined,
  });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(encoder.encode(csvRow(COLUMNS)));
        for await (const link of iterateLinks(user.id, filter)) {
          const fields = [
            STATUS_LABEL[link.status],
            link.connectionName,
            link.bucket,
            link.key,
            link.fileName,
            link.disposition,
            link.contentTypeOverride ?? "",
            String(link.objectSize),
            link.note ?? "",
            link.createdAt.toISOString(),
            link.neverExpires ? "never" : link.expiresAt.toISOString(),
            link.neverExpires ? "never" : link.requestedExpiresAt.toISOString(),
            link.kind,
            link.kind === "managed" ? String(link.downloadCount) : "",
            link.downloadLimit === null ? "" : String(link.downloadLimit),
            link.lastAccessAt?.toISOString() ?? "",
            link.revokedAt?.toISOString() ?? "",
            link.objectState ?? "",
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
