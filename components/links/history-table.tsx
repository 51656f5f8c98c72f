import Link from "next/link";
import { DownloadsCell, ObjectStateMark } from "@/components/links/downloads-cell";
import { HealthMark } from "@/components/links/health-mark";
import { LinkRowActions } from "@/components/links/link-row-actions";
import { RequestStatusBadge, StatusBadge } from "@/components/links/status-badge";
import { CardTableHead, CellLabel, cardBody, cardCell, cardRow } from "@/components/ui/card-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatBytes } from "@/lib/format";
import type { LinkRow } from "@/lib/links/history";
import { issuerLabel } from "@/lib/links/issuer";

const labelled = `${cardCell} max-sm:col-span-1`;

/**
 * The history's list of links: a table on a wide screen, a list of cards on a phone. `showIssuer`:
 * the "Issued by" column, for those who see every link of the team (a Member's list is their own).
 */
export function HistoryTable({ rows, now, showIssuer = false }: { rows: LinkRow[]; now: Date; showIssuer?: boolean }) {
  return (
    <div className="sm:overflow-x-auto">
      <table className="w-full text-sm max-sm:block sm:min-w-[60rem]">
        <caption className="sr-only">Issued links</caption>
        <CardTableHead
          columns={[
            { label: "Status" },
            { label: "Type" },
            { label: "Object", className: "min-w-52" },
            ...(showIssuer ? [{ label: "Issued by" }] : []),
            { label: "Note" },
            { label: "Created" },
            { label: "Expires" },
            { label: "Health" },
            { label: "Downloads" },
            { label: "Last access" },
            { label: <span className="sr-only">Actions</span> },
          ]}
        />
        <tbody className={cardBody}>
          {rows.map((link) => {
            const request = link.request;
            const kind = request ? "Upload request" : link.kind === "managed" ? "Managed" : "Direct";
            const shown = link.target === "files" || request ? (link.title ?? (link.key || link.bucket)) : link.key;
            return (
              <tr key={link.id} className={cardRow}>
                <td className={`${cardCell} max-sm:col-span-1`}>
                  {request ? <RequestStatusBadge status={request.status} /> : <StatusBadge status={link.status} />}
                  {link.replacedById ? (
                    <Link href={`/links/${link.replacedById}`} className="ml-1 text-xs underline">
                      Replaced
                    </Link>
                  ) : null}
                </td>
                <td className={`${cardCell} whitespace-nowrap max-sm:col-span-1 max-sm:text-right max-sm:text-xs max-sm:text-muted`}>{kind}</td>
                <td className={`${cardCell} max-sm:col-span-2 sm:max-w-xs`}>
                  <span className="block text-xs text-muted">
                    {link.connectionName} / {link.bucket}
                  </span>
                  <Link
                    href={`/links/${link.id}`}
                    className="font-medium text-sky-700 wrap-anywhere hover:underline dark:text-sky-400"
                    aria-label={request ? `Upload request: details of ${shown}` : `${kind}: details of the link to ${shown}`}
                  >
                    {shown}
                  </Link>
                  {request ? <span className="block text-xs text-muted wrap-anywhere">Into {link.key}</span> : null}
                  {link.target === "files" ? (
                    <span className="block text-xs text-muted">
                      {(link.fileCount ?? 0).toLocaleString("en-US")} {link.fileCount === 1 ? "file" : "files"} · {formatBytes(link.objectSize)}
                    </span>
                  ) : null}
                  <ObjectStateMark state={link.status === link.objectState ? null : link.objectState} />
                </td>
                {showIssuer ? (
                  <td className={`${cardCell} max-sm:col-span-2`}>
                    <CellLabel>Issued by</CellLabel>
                    {issuerLabel(link.issuedBy)}
                  </td>
                ) : null}
                <td
                  className={`${cardCell} break-words text-zinc-600 max-sm:col-span-2 sm:max-w-[12rem] dark:text-zinc-400 ${link.note ? "" : "max-sm:hidden"}`}
                >
                  <CellLabel>Note</CellLabel>
                  {link.note ?? "—"}
                </td>
                <td className={labelled}>
                  <CellLabel>Created</CellLabel>
                  <RelativeTime date={link.createdAt} now={now} layout="stacked" />
                </td>
                <td className={labelled}>
                  <CellLabel>Expires</CellLabel>
                  {link.neverExpires ? <span>No expiry</span> : <RelativeTime date={link.expiresAt} now={now} layout="stacked" />}
                  {link.revokedAt ? (
                    <span className="block text-xs text-muted">
                      Revoked <RelativeTime date={link.revokedAt} now={now} />
                    </span>
                  ) : null}
                </td>
                <td className={`${cardCell} max-sm:col-span-2`}>
                  <CellLabel>Health</CellLabel>
                  {request ? (
                    <span className="text-muted">
                      <span aria-hidden="true">—</span>
                      <span className="sr-only">Not checked (an upload request)</span>
                    </span>
                  ) : (
                    <HealthMark health={link.health} checkedAt={link.healthCheckedAt} trueEnd={link.healthDetail?.trueEnd} now={now} stacked />
                  )}
                </td>
                <td className={`${labelled} whitespace-nowrap`}>
                  <CellLabel>{request ? "Files received" : "Downloads"}</CellLabel>
                  {request ? (
                    <span>
                      {request.receivedFiles.toLocaleString("en-US")} / {request.maxFiles.toLocaleString("en-US")} files
                      <span className="block text-xs text-muted">{formatBytes(request.receivedBytes)}</span>
                    </span>
                  ) : (
                    <DownloadsCell kind={link.kind} count={link.downloadCount} limit={link.downloadLimit} />
                  )}
                </td>
                <td className={labelled}>
                  <CellLabel>{request ? "Last upload" : "Last access"}</CellLabel>
                  {(request ? request.lastUploadAt : link.lastAccessAt) ? (
                    <RelativeTime date={(request ? request.lastUploadAt : link.lastAccessAt)!} now={now} layout="stacked" />
                  ) : (
                    <span className="text-muted">
                      <span aria-hidden="true">—</span>
                      <span className="sr-only">Never</span>
                    </span>
                  )}
                </td>
                <td className="max-sm:col-span-2 max-sm:block max-sm:border-t max-sm:border-zinc-100 max-sm:pt-2 sm:py-2 max-sm:dark:border-zinc-900 sm:whitespace-nowrap">
                  {link.canManage ? (
                    <LinkRowActions
                      id={link.id}
                      label={shown}
                      expired={link.status === "expired"}
                      kind={link.kind}
                      revoked={link.status === "revoked"}
                      request={request !== null}
                      replaced={link.replacedById !== null}
                      repinnable={
                        link.kind === "managed" && link.pinned && (link.objectState === "changed" || link.health === "changed") && link.target === "object"
                      }
                    />
                  ) : (
                    <span className="text-xs text-muted">
                      {request ? "View only: you may no longer request uploads here" : "View only: you may no longer share this object"}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
