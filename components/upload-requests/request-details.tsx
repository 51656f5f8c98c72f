import Link from "next/link";
import { AccessLogTable } from "@/components/links/access-log-table";
import { ChangeExpiryForm, CopyLinkButton } from "@/components/links/link-owner-actions";
import { RevokeLinkButton } from "@/components/links/revoke-link-button";
import { RequestStatusBadge } from "@/components/links/status-badge";
import { ChangeLimitsForm } from "@/components/upload-requests/change-limits-form";
import { buttonClass } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatBytes } from "@/lib/format";
import type { AccessLogRow, LinkDetails } from "@/lib/links/manage";
import type { RequestFacts, ReceivedFile } from "@/lib/upload-requests/manage";
import { sizeText } from "@/lib/upload-requests/request";

type Fact = [string, React.ReactNode];

/**
 * /links/<id> of an upload request: its facts (where files land, limits, counters, status), the
 * files received (each a link into the bucket browser where the reader may browse it), the access
 * log, and for who may manage it: Copy link, Close request, Change expiry, Change limits.
 */
export function RequestDetails({
  link,
  facts,
  files,
  fileHref,
  log,
  cursor,
  issuedBy,
  now,
}: {
  link: LinkDetails;
  facts: RequestFacts;
  files: ReceivedFile[];
  /** The browser's address of a received file, or null where the reader may not browse it. */
  fileHref: (file: ReceivedFile) => string | null;
  log: { rows: AccessLogRow[]; nextCursor: string | null };
  cursor: string | undefined;
  issuedBy: string | null;
  now: Date;
}) {
  const open = facts.status !== "closed";
  const copyable = link.canManage && facts.status !== "closed" && facts.status !== "expired";
  const title = link.title ?? link.key;
  const rows: Fact[] = [
    ["Status", <RequestStatusBadge key="s" status={facts.status} />],
    ["Type", "Upload request (people with the link upload files into your storage)"],
    [
      "Files land in",
      <span key="f" className="break-all">
        {link.connectionName} / {link.bucket} / {link.key}
        {facts.folderPerUploader ? " (a folder per uploader)" : ""}
      </span>,
    ],
    ["Message to uploaders", facts.message ?? "—"],
    [
      "Files received",
      `${facts.receivedFiles.toLocaleString("en-US")} of at most ${facts.maxFiles.toLocaleString("en-US")} · ${formatBytes(facts.receivedBytes)}`,
    ],
    ["Max file size", sizeText(facts.maxFileSize)],
    ["Max total size", sizeText(facts.maxTotalSize)],
    ["Allowed file types", facts.allowedTypes.length > 0 ? facts.allowedTypes.join(", ") : "Any type"],
    ["Uploaders are asked for", [facts.askName ? "their name" : null, facts.askEmail ? "their email" : null].filter(Boolean).join(" and ") || "Nothing"],
    ["Password", link.hasPassword ? "Yes" : "No"],
    ...(issuedBy ? ([["Requested by", issuedBy]] as Fact[]) : []),
    ["Created", <RelativeTime key="c" date={link.createdAt} now={now} />],
    ["Expires", link.neverExpires ? "No expiry" : <RelativeTime key="e" date={link.expiresAt} now={now} />],
    ...(link.revokedAt ? ([["Closed", <RelativeTime key="r" date={link.revokedAt} now={now} />]] as Fact[]) : []),
    ["Last upload", facts.lastUploadAt ? <RelativeTime key="l" date={facts.lastUploadAt} now={now} /> : "None yet"],
  ];

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <Link href="/links" className="text-sm text-sky-700 hover:underline dark:text-sky-400">
          ← Links
        </Link>
        <h1 className="text-2xl font-semibold break-words">Upload request: {title}</h1>
      </div>

      <div className="flex flex-wrap items-center gap-2">
        {copyable ? <CopyLinkButton id={link.id} /> : null}
        {link.canManage && open ? <RevokeLinkButton id={link.id} label={title} request /> : null}
        {!link.canManage ? (
          <p className="text-sm text-muted">You no longer hold Can request uploads here, so only an Admin can close or change this request.</p>
        ) : null}
      </div>

      <section aria-labelledby="request-facts" className="space-y-2">
        <h2 id="request-facts" className="sr-only">
          About this request
        </h2>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-3 text-sm sm:grid-cols-[12rem_1fr] sm:gap-y-2">
          {rows.map(([label, value]) => (
            <div key={label} className="sm:contents">
              <dt className="text-xs text-muted sm:text-sm">{label}</dt>
              <dd className="min-w-0 break-words">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      {link.canManage && open ? (
        <section aria-label="Change this request" className="grid gap-6 rounded-lg border border-zinc-200 p-4 sm:grid-cols-2 dark:border-zinc-800">
          <ChangeExpiryForm id={link.id} />
          <ChangeLimitsForm id={link.id} current={facts} />
        </section>
      ) : null}

      <section aria-labelledby="received-title" className="space-y-3">
        <div>
          <h2 id="received-title" className="text-lg font-semibold">
            Received files
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Newest first. Files still uploading appear once they are complete.</p>
        </div>
        {files.length === 0 ? (
          <p className="text-sm text-muted">No files yet.</p>
        ) : (
          <div className="sm:overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="sr-only">Files received through this request</caption>
              <thead className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-muted dark:border-zinc-800">
                <tr>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Name
                  </th>
                  <th scope="col" className="py-2 pr-3 text-right font-medium">
                    Size
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Uploader
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Address
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    Received
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-900">
                {files.map((file) => {
                  const href = fileHref(file);
                  return (
                    <tr key={file.id}>
                      <td className="break-all py-1.5 pr-3">
                        {href ? (
                          <Link href={href} className="text-sky-700 underline dark:text-sky-400" title={file.key}>
                            {file.fileName}
                          </Link>
                        ) : (
                          file.fileName
                        )}
                      </td>
                      <td className="py-1.5 pr-3 text-right tabular-nums">{formatBytes(file.size)}</td>
                      <td className="break-all py-1.5 pr-3">
                        {file.uploaderName ?? "—"}
                        {file.uploaderEmail ? <span className="block text-xs text-muted">{file.uploaderEmail}</span> : null}
                      </td>
                      <td className="break-all py-1.5 pr-3 font-mono text-xs">{file.uploaderAddress ?? "—"}</td>
                      <td className="py-1.5">
                        <RelativeTime date={file.receivedAt} now={now} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="access-log-title" className="space-y-3">
        <div>
          <h2 id="access-log-title" className="text-lg font-semibold">
            Access log
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Every use of the upload link, newest first.</p>
        </div>
        <AccessLogTable rows={log.rows} now={now} />
        <nav aria-label="Access log pages" className="flex justify-between gap-2">
          {cursor ? (
            <Link href={`/links/${link.id}`} className={buttonClass("secondary")}>
              Newest entries
            </Link>
          ) : (
            <span />
          )}
          {log.nextCursor ? (
            <Link href={`/links/${link.id}?${new URLSearchParams({ cursor: log.nextCursor })}`} className={buttonClass("secondary")}>
              Older entries
            </Link>
          ) : null}
        </nav>
      </section>
    </div>
  );
}
