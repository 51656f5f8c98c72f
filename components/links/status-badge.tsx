import { STATUS_LABEL, type LinkStatus } from "@/lib/links/status";
import { REQUEST_STATUS_LABEL, type RequestStatus } from "@/lib/upload-requests/request";

const tone: Record<LinkStatus, string> = {
  active: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  expires_soon: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
  expired: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  revoked: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  limit_reached: "bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-300",
  changed: "bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-300",
  missing: "bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-300",
};

export function StatusBadge({ status }: { status: LinkStatus }) {
  return <span className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${tone[status]}`}>{STATUS_LABEL[status]}</span>;
}

const requestTone: Record<RequestStatus, string> = {
  open: tone.active,
  full: tone.limit_reached,
  expired: tone.expired,
  closed: tone.revoked,
};

/** An upload request's status: Open, Full, Expired, Closed. */
export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return (
    <span className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${requestTone[status]}`}>{REQUEST_STATUS_LABEL[status]}</span>
  );
}
