/** History filters shared by the /links page, its CSV export and the query layer. */
export const LINK_STATUS_FILTERS = ["all", "active", "expires_soon", "expired"] as const;
export type LinkStatusFilter = (typeof LINK_STATUS_FILTERS)[number];
export const HISTORY_PAGE_SIZE = 50;
