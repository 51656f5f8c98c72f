/** History filters shared by the /links page, its CSV export and the query layer. */
import { HEALTH_OUTCOMES } from "@/lib/health/outcome";
import { LINK_STATUSES } from "@/lib/links/status";

export const LINK_STATUS_FILTERS = ["all", ...LINK_STATUSES] as const;
export type LinkStatusFilter = (typeof LINK_STATUS_FILTERS)[number];
/** "request": upload requests (managed links of target "request"); "managed" means managed share links without them. */
export const LINK_TYPE_FILTERS = ["all", "direct", "managed", "request"] as const;
export type LinkTypeFilter = (typeof LINK_TYPE_FILTERS)[number];
export const HISTORY_PAGE_SIZE = 50;
/** /links/<id> "Access log": rows per page. */
export const ACCESS_LOG_PAGE_SIZE = 50;
/** The history's health filter: "needs-attention" (every outcome but OK: "Needs attention"), or one outcome. */
export const LINK_HEALTH_FILTERS = ["all", "needs-attention", ...HEALTH_OUTCOMES] as const;
export type LinkHealthFilter = (typeof LINK_HEALTH_FILTERS)[number];
