import { withSession } from "@/lib/http/with-session";
import { exportHistoryCsv, historyExportQuerySchema } from "@/lib/links/history-export";

export const dynamic = "force-dynamic";

/** "Export CSV" of the history: its filters, without URLs. */
export const GET = withSession(
  { name: "links.export", query: historyExportQuerySchema, failure: "The export could not be made. Try again." },
  exportHistoryCsv,
);
