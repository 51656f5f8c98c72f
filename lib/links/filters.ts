/** History filters shared by the /links page, its CSV export and the query layer. */
export const LINK_STATUS_FILTERS = ["all", "active", "expires_soon", "expired", "revoked"] as const;
export type LinkStatusFilter = (typeof LINK_STATUS_FILTERS)[number];
export const LINK_TYPE_FILTERS = ["all", "direct", "managed"] as const;
export type LinkTypeFilter = (typeof LINK_TYPE_FILTERS)[number];
export const HISTORY_PAGE_SIZE = 50;
/** /links/<id> "Access log": rows per page. */
export const ACCESS_LOG_PAGE_SIZE = 50;
