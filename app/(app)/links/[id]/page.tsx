import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DownloadsCell, OBJECT_STATE_LABEL } from "@/components/links/downloads-cell";
import {
  ChangeAllowedNetworksForm,
  ChangeDownloadLimitForm,
  ChangeExpiryForm,
  ChangePasswordForm,
  CopyLinkButton,
} from "@/components/links/link-owner-actions";
import { RevokeLinkButton } from "@/components/links/revoke-link-button";
import { StatusBadge } from "@/components/links/status-badge";
import { HealthHistory } from "@/components/links/health-history";
import { getLinkHealth } from "@/lib/health/history";
import { AccessLogTable } from "@/components/links/access-log-table";
import { ClearLockoutButton } from "@/components/links/clear-lockout-button";
import { RepinButton } from "@/components/links/repin-button";
import { repinPreview } from "@/lib/links/repin";
import { ManifestExport } from "@/components/links/manifest-export";
import { buttonClass } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { linkPasswordLockout } from "@/lib/auth/rate-limit";
import { can, canOnObject } from "@/lib/auth/permissions";
import { RequestDetails } from "@/components/upload-requests/request-details";
import { getRequestFacts, listReceivedFiles } from "@/lib/upload-requests/manage";
import { requireUser } from "@/lib/auth/session";
import { formatBytes } from "@/lib/format";
import { getLinkDetails, listAccessLog } from "@/lib/links/manage";
import { issuerLabel } from "@/lib/links/issuer";
import { listLinkFiles } from "@/lib/links/link-files";
import { folderHref, objectHref } from "@/lib/paths";
import { firstValue, type SearchParams } from "@/lib/search-params";
import { accessLogCursorSchema, linkIdSchema } from "@/lib/validation/share";

export const metadata: Metadata = { title: "Link details" };

export default async function LinkPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const [{ id: rawId }, search] = await Promise.all([params, searchParams]);
  const parsedId = linkIdSchema.safeParse({ id: rawId });
  if (!parsedId.success) notFound();
  const id = parsedId.data.id;
  const cursor = accessLogCursorSchema.parse(firstValue(search.cursor));
  const now = new Date();
  const link = await getLinkDetails(user, id, now);
  if (!link) notFound();
  if (link.target === "request") {
    const [facts, received, requestLog] = await Promise.all([getRequestFacts(user, id, now), listReceivedFiles(user, id), listAccessLog(user, id, cursor)]);
    if (!facts) notFound();
    return (
      <RequestDetails
        link={link}
        facts={facts}
        files={received}
        fileHref={(file) =>
          canOnObject(user, "browse", file.connectionId, file.bucket, file.key) ? objectHref(file.connectionId, file.bucket, file.key) : null
        }
        log={requestLog}
        cursor={cursor}
        issuedBy={can(user, "links.all") ? issuerLabel(link.issuedBy) : null}
        now={now}
      />
    );
  }
  const log = link.kind === "managed" ? await listAccessLog(user, id, cursor) : null;
  const filesAfter = typeof search.files === "string" && search.files.length <= 2048 ? search.files : undefined;
  const files = link.target === "files" ? await listLinkFiles(user, id, filesAfter) : null;
  const health = await getLinkHealth(user, id);
  const managed = link.kind === "managed";
  // The owner actions (Copy link, Revoke, the changes, Clear lock-out, the manifest): only for who may act on it.
  const canManage = link.canManage;
  const lockout = managed && link.hasPassword ? await linkPasswordLockout(link.id, now) : null;
  // The issued URL is still handed out while it may work again (a raised limit, the file put back).
  const copyable = canManage && link.status !== "expired" && link.status !== "revoked";
  // Re-pin: a pinned managed link whose file changed; the dialog shows the file as it is now (none if storage cannot say).
  const repin =
    canManage &&
    managed &&
    link.pinned &&
    link.target === "object" &&
    (link.objectState === "changed" || link.health === "changed") &&
    link.status !== "revoked"
      ? await repinPreview(user, link.id).catch(() => null)
      : null;

  const rows: [string, React.ReactNode][] = [
    [
      "Status",
      <span key="s">
        <StatusBadge status={link.status} />
        {link.replacedById ? (
          <Link href={`/links/${link.replacedById}`} className="ml-2 text-sm underline">
            Replaced
          </Link>
        ) : null}
      </span>,
    ],
    ["Type", managed ? "Managed link (checked by Bucketshare at each use)" : "Direct link (presigned URL; cannot be revoked)"],
    [
      link.target === "files" ? "Folder" : "File",
      <span key="f" className="break-all">
        {link.connectionName} / {link.bucket} /{" "}
        {link.connectionId ? (
          <Link
            href={link.target === "files" ? folderHref(link.connectionId, link.bucket, link.key) : objectHref(link.connectionId, link.bucket, link.key)}
            className="text-sky-700 underline dark:text-sky-400"
          >
            {link.key}
          </Link>
        ) : (
          link.key
        )}
        {link.objectState && link.status !== link.objectState ? (
          <span className="ml-2 inline-block rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-300">
            {OBJECT_STATE_LABEL[link.objectState]}
          </span>
        ) : null}
      </span>,
    ],
    ["Size when shared", `${formatBytes(link.objectSize)} (${link.objectSize.toLocaleString("en-US")} bytes)`],
    ...(link.target === "files"
      ? ([
          [
            "Title",
            <span key="t" className="break-all">
              {link.title ?? link.fileName}
            </span>,
          ],
          ["Files", `${(link.fileCount ?? 0).toLocaleString("en-US")} ${link.fileCount === 1 ? "file" : "files"} · ${formatBytes(link.objectSize)}`],
          ["Download all (ZIP)", link.zipAllowed ? "Allowed (these bytes pass through this server)" : "Off"],
        ] as [string, React.ReactNode][])
      : ([
          [
            "Recipient sees the name",
            <span key="n" className="break-all">
              {link.fileName}
            </span>,
          ],
          ["Opens as", link.disposition === "attachment" ? "Download" : "Open in browser"],
          ["Content type", link.contentTypeOverride ?? link.objectContentType ?? "—"],
        ] as [string, React.ReactNode][])),
    ...(can(user, "links.all") ? ([["Issued by", issuerLabel(link.issuedBy)]] as [string, React.ReactNode][]) : []),
    ["Note", link.note ?? "—"],
    [
      "Created",
      <span key="c">
        <RelativeTime date={link.createdAt} now={now} />
      </span>,
    ],
    [
      "Expires",
      link.neverExpires ? (
        "No expiry"
      ) : (
        <span key="e">
          <RelativeTime date={link.expiresAt} now={now} />
        </span>
      ),
    ],
  ];
  if (link.revokedAt)
    rows.push([
      "Revoked",
      <span key="r">
        <RelativeTime date={link.revokedAt} now={now} />
      </span>,
    ]);
  if (managed) {
    rows.push(
      ["Downloads", <DownloadsCell key="d" kind="managed" count={link.downloadCount} limit={link.downloadLimit} />],
      ["Download limit", link.downloadLimit === null ? "Unlimited" : link.downloadLimit === 1 ? "1 (one-time)" : String(link.downloadLimit)],
      ["Password", link.hasPassword ? <PasswordFacts key="p" id={link.id} lockout={lockout} now={now} canManage={canManage} /> : "No"],
      [
        "Allowed networks",
        link.allowedNetworks.length > 0 ? (
          <span key="a" className="break-all font-mono text-xs">
            {link.allowedNetworks.join(", ")}
          </span>
        ) : (
          "Anywhere"
        ),
      ],
      [
        "Version",
        link.target === "files"
          ? "Each file as it was when shared (a replaced or deleted file is marked and not served)"
          : link.pinned
            ? `Pinned to the file as shared (${link.objectVersionId ? `version ${link.objectVersionId}` : `ETag ${link.objectEtag ?? "unknown"}`})`
            : "Always the latest version",
      ],
      [
        "Last access",
        link.lastAccessAt ? (
          <span key="l">
            <RelativeTime date={link.lastAccessAt} now={now} />
          </span>
        ) : (
          "Never"
        ),
      ],
    );
  }

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <Link href="/links" className="text-sm text-sky-700 hover:underline dark:text-sky-400">
          ← Links
        </Link>
        <h1 className="text-2xl font-semibold">Link details</h1>
        <p className="break-all text-sm text-zinc-600 dark:text-zinc-400">{link.key}</p>
      </div>

      <div className="flex flex-wrap items-center gap-2">
        {copyable ? <CopyLinkButton id={link.id} /> : null}
        {repin ? (
          <RepinButton
            id={link.id}
            label={link.key}
            pinned={{ ...repin.pinned, lastModified: null }}
            now={{ ...repin.now, lastModified: repin.now.lastModified?.toISOString() ?? null }}
          />
        ) : null}
        {canManage && managed && link.status !== "revoked" ? <RevokeLinkButton id={link.id} label={link.key} /> : null}
        {!managed ? <p className="text-sm text-muted">A direct link cannot be revoked: it works until it expires.</p> : null}
        {!canManage ? (
          <p className="text-sm text-muted">You no longer hold Can share on this object, so only an Admin can revoke or change this link.</p>
        ) : null}
      </div>

      <section aria-labelledby="link-facts" className="space-y-2">
        <h2 id="link-facts" className="sr-only">
          About this link
        </h2>
        {/* On a phone each fact is a small label over its value; from 640 px up, two columns. */}
        <dl className="grid grid-cols-1 gap-x-4 gap-y-3 text-sm sm:grid-cols-[12rem_1fr] sm:gap-y-2">
          {rows.map(([label, value]) => (
            <div key={label} className="sm:contents">
              <dt className="text-xs text-muted sm:text-sm">{label}</dt>
              <dd className="min-w-0">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      {canManage && managed && link.status !== "revoked" ? (
        <section aria-label="Change this link" className="grid gap-6 rounded-lg border border-zinc-200 p-4 sm:grid-cols-2 dark:border-zinc-800">
          <ChangeExpiryForm id={link.id} />
          <ChangeDownloadLimitForm id={link.id} current={link.downloadLimit} />
          <ChangePasswordForm id={link.id} hasPassword={link.hasPassword} />
          <ChangeAllowedNetworksForm id={link.id} current={link.allowedNetworks} />
        </section>
      ) : null}

      {health ? (
        <HealthHistory id={link.id} health={health} now={now} canCheck={link.canManage && link.status !== "expired" && link.status !== "revoked"} />
      ) : null}

      {files ? (
        <section aria-labelledby="link-files-title" className="space-y-3">
          <div>
            <h2 id="link-files-title" className="text-lg font-semibold">
              Files
            </h2>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              The snapshot taken when the link was made. Files added to the folder since are not part of it.
            </p>
          </div>
          <table className="w-full text-sm">
            <caption className="sr-only">Files in this share</caption>
            <thead className="border-b border-zinc-200 text-left text-xs uppercase tracking-wide text-muted dark:border-zinc-800">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  Path
                </th>
                <th scope="col" className="py-2 pr-3 text-right font-medium sm:w-28">
                  Size
                </th>
                <th scope="col" className="py-2 font-medium sm:w-40">
                  Since shared
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-900">
              {files.rows.map((file) => (
                <tr key={file.path}>
                  <td className="break-all py-1.5 pr-3">{file.path}</td>
                  <td className="py-1.5 pr-3 text-right tabular-nums">{formatBytes(file.size)}</td>
                  <td className="py-1.5">
                    {file.state ? (
                      <span className="inline-block rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-300">
                        {OBJECT_STATE_LABEL[file.state]}
                      </span>
                    ) : (
                      <span className="text-muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav aria-label="File list pages" className="flex justify-between gap-2">
            {filesAfter ? (
              <Link href={`/links/${link.id}`} className={buttonClass("secondary")}>
                First files
              </Link>
            ) : (
              <span />
            )}
            {files.nextCursor ? (
              <Link href={`/links/${link.id}?${new URLSearchParams({ files: files.nextCursor })}`} className={buttonClass("secondary")}>
                More files
              </Link>
            ) : null}
          </nav>
        </section>
      ) : null}

      {link.canExportManifest && link.target === "files" && link.connectionId ? (
        <ManifestExport id={link.id} title={link.title} fileCount={link.fileCount ?? 0} />
      ) : null}

      {log ? (
        <section aria-labelledby="access-log-title" className="space-y-3">
          <div>
            <h2 id="access-log-title" className="text-lg font-semibold">
              Access log
            </h2>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Every use of the link, newest first. Only real downloads count towards the limit.</p>
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
      ) : null}
    </div>
  );
}

/** "Yes", and what guessing it has cost: "7 failed password attempts in the last 24 hours, locked until …". */
function PasswordFacts({
  id,
  lockout,
  now,
  canManage,
}: {
  id: string;
  lockout: { failures: number; lockedUntil: Date | null } | null;
  now: Date;
  canManage: boolean;
}) {
  if (!lockout || lockout.failures === 0) return "Yes";
  const attempts = `${lockout.failures.toLocaleString("en-US")} failed password ${lockout.failures === 1 ? "attempt" : "attempts"} in the last 24 hours`;
  return (
    <div>
      Yes · {attempts}
      {lockout.lockedUntil ? (
        <>
          , locked until <RelativeTime date={lockout.lockedUntil} now={now} /> for browsers that have not unlocked it before
        </>
      ) : null}
      {canManage ? <ClearLockoutButton id={id} /> : null}
    </div>
  );
}
