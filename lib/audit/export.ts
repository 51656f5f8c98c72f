import "server-only";
import { z } from "zod";
import { iterateAuditEvents } from "@/lib/audit/list";
import { auditFilterSchema } from "@/lib/audit/list";
import { kindLabel } from "@/lib/audit/kinds";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import type { SessionRouteContext } from "@/lib/http/with-session";
import { csvRow } from "@/lib/links/csv";
import { log } from "@/lib/log";

const COLUMNS = ["created_at", "person", "kind", "what", "subject", "address", "details"];

/** The Audit log's "Export CSV" link carries the page's filters (person, kind). */
export const auditExportQuerySchema = z
  .object({ person: z.string().optional(), kind: z.string().optional() })
  .transform((query) => auditFilterSchema.parse(query));

/** "Export CSV" of the Audit log (Owner and Admins): every row the filters match, newest first. */
export async function exportAuditCsv({ user, query: filter }: SessionRouteContext<unknown, z.output<typeof auditExportQuerySchema>>): Promise<Response> {
  if (!can(user, "audit.view")) throw new AppError("not_found", "There is nothing here.");
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(encoder.encode(csvRow(COLUMNS)));
        for await (const row of iterateAuditEvents(user, { person: filter.person, kind: filter.kind })) {
          controller.enqueue(
            encoder.encode(
              csvRow([
                row.createdAt.toISOString(),
                row.actorName,
                row.kind,
                kindLabel(row.kind),
                row.subject,
                row.address ?? "",
                JSON.stringify(row.details ?? {}),
              ]),
            ),
          );
        }
        controller.close();
      } catch (error) {
        log.error("audit.export_failed", { error });
        controller.error(error);
      }
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="bucketshare-audit-${date}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
