import { auditExportQuerySchema, exportAuditCsv } from "@/lib/audit/export";
import { withSession } from "@/lib/http/with-session";

export const dynamic = "force-dynamic";

/** "Export CSV" of the Audit log: its filters; Owner and Admins only. */
export const GET = withSession({ name: "audit.export", query: auditExportQuerySchema, failure: "The export could not be made. Try again." }, exportAuditCsv);
