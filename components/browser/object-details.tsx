import Link from "next/link";
import { QuickShareButton } from "@/components/share/quick-share-button";
import { DownloadsCell } from "@/components/links/downloads-cell";
import { HealthMark } from "@/components/links/health-mark";
import { RevokeLinkButton } from "@/components/links/revoke-link-button";
import { StatusBadge } from "@/components/links/status-badge";
import { publicBaseUrl } from "@/lib/env";
import type { ShareLimits } from "@/lib/links/grant-limits";
import type { ObjectLinkRow } from "@/lib/links/manage";
import { FocusOnArrival } from "@/components/browser/focus-on-arrival";
import { StorageErrorPanel } from "@/components/browser/storage-error-panel";
import { buttonClass } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatBytes, formatDateTime } from "@/lib/format";
import { baseName } from "@/lib/links/content-disposition";
import type { Loaded, ObjectView } from "@/lib/storage/listing";

type Props = {
  view: Promise<Loaded<ObjectView>>;
  /** The links issued for this object (lib/links/manage listLinksForObject), read by the page. */
  links: Promise<ObjectLinkRow[]>;
  connectionId: string;
  credentialsExpireAt: string | null;
  /** The storage's host when it is a loopback or private address (lib/storage/private-endpoint.ts). */
  storagePrivateHost: string | null;
  bucket: string;
  objectKey: string;
  closeHref: string;
  /** What the person may share of this object (lib/links/grant-limits.ts); null: no Quick Share. */
  shareLimits: ShareLimits | null;
  /** May open the connection's settings (the storage error's "Edit connection"). */
  manageConnection: boolean;
};

/** Key, size, type, ETag, dates, metadata and a preview (presigned for 5 minutes). */
export async function ObjectDetailsPanel({
  view,
  links,
  connectionId,
  credentialsExpireAt,
  storagePrivateHost,
  bucket,
  objectKey,
  closeHref,
  shareLimits,
  manageConnection,
}: Props) {
  const [result, issued] = await Promise.all([view, links]);
  if (!result.ok) {
    return (
      <aside aria-label="Object details" className="space-y-3">
        <StorageErrorPanel info={result.error} connectionId={manageConnection ? connectionId : undefined} retryHref={closeHref} />
      </aside>
    );
  }
  const details = result.value;
  const preview = details.preview;
  const name = baseName(objectKey);
  const rows: [string, React.ReactNode][] = [
    [
      "Key",
      <span key="k" className="break-all font-mono text-xs">
        {objectKey}
      </span>,
    ],
    ["Size", `${formatBytes(details.size)} (${details.size.toLocaleString("en-US")} bytes)`],
    ["Content type", details.contentType ?? "—"],
    [
      "ETag",
      <span key="e" className="break-all font-mono text-xs">
        {details.etag ?? "—"}
      </span>,
    ],
    [
      "Last modified",
      details.lastModified ? (
        <span key="m">
          <RelativeTime date={details.lastModified} now={new Date()} />
        </span>
      ) : (
        "—"
      ),
    ],
    ["Storage class", details.storageClass],
  ];
  return (
    <aside aria-labelledby="object-details-title" className="space-y-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex items-start justify-between gap-2">
        <FocusOnArrival targetId="object-details-title" />
        <h2 id="object-details-title" tabIndex={-1} className="break-all text-lg font-semibold">
          {name}
        </h2>
        <Link href={closeHref} scroll={false} className="rounded p-1 text-muted hover:bg-zinc-100 dark:hover:bg-zinc-800" aria-label="Close details">
          ✕
        </Link>
      </div>
      {shareLimits ? (
        <QuickShareButton
          target={{ connectionId, bucket, key: objectKey, name, credentialsExpireAt, storagePrivateHost, publicUrl: publicBaseUrl(), limits: shareLimits }}
        />
      ) : null}
      {preview?.kind === "image" ? (
        // biome-ignore lint/performance/noImgElement: a 5-minute presigned URL on the storage origin, not something to optimise or cache
        <img src={preview.url} alt={`Preview of ${name}`} className="max-h-80 w-full rounded border border-zinc-200 object-contain dark:border-zinc-800" />
      ) : preview?.kind === "pdf" ? (
        // Not in a frame: Chromium refuses PDFs in every sandboxed iframe (checked with each sandbox
        // token), and an unsandboxed frame is what the preview must never be. The URL forces
        // application/pdf, and the new tab belongs to the storage origin, not to this app.
        <div className="space-y-1 rounded border border-zinc-200 p-3 text-sm dark:border-zinc-800">
          <a href={preview.url} target="_blank" rel="noopener noreferrer" className={buttonClass("secondary")}>
            Open PDF preview
          </a>
          <p className="text-zinc-600 dark:text-zinc-400">Opens in a new tab; the preview link works for 5 minutes.</p>
        </div>
      ) : preview?.kind === "audio" ? (
        // biome-ignore lint/a11y/useMediaCaption: a preview of the owner's own file, which has no caption track to offer
        <audio src={preview.url} controls className="w-full" aria-label={`Preview of ${name}`} />
      ) : preview?.kind === "video" ? (
        // biome-ignore lint/a11y/useMediaCaption: a preview of the owner's own file, which has no caption track to offer
        <video src={preview.url} controls className="max-h-80 w-full rounded" aria-label={`Preview of ${name}`} />
      ) : preview?.kind === "text" ? (
        <section aria-label={`Preview of ${name}`}>
          <pre className="max-h-80 overflow-auto whitespace-pre-wrap rounded bg-zinc-50 p-3 text-xs dark:bg-zinc-900">{preview.text}</pre>
        </section>
      ) : (
        <p className="text-sm text-muted">No preview for this type of file.</p>
      )}
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-2 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted">{label}</dt>
            <dd className="min-w-0">{value}</dd>
          </div>
        ))}
      </dl>
      <IssuedLinks links={issued} name={name} />
      {Object.keys(details.metadata).length > 0 ? (
        <div className="space-y-1">
          <h3 className="text-sm font-semibold">Metadata</h3>
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
            {Object.entries(details.metadata).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="break-all font-mono text-xs text-muted">{k}</dt>
                <dd className="break-all">{v}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </aside>
  );
}

/** The links issued for this object, active first, with Revoke for managed ones. */
function IssuedLinks({ links, name }: { links: ObjectLinkRow[]; name: string }) {
  const now = new Date();
  return (
    <section aria-labelledby="object-links-title" className="space-y-2">
      <h3 id="object-links-title" className="text-sm font-semibold">
        Links to this file
      </h3>
      {links.length === 0 ? (
        <p className="text-sm text-muted">No links issued yet.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-900">
          {links.map((link) => (
            <li key={link.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <div className="min-w-0 space-y-0.5">
                <div className="flex flex-wrap items-center gap-2">
                  <StatusBadge status={link.status} />
                  <span>{link.kind === "managed" ? "Managed" : "Direct"}</span>
                  {link.kind === "managed" ? (
                    <span className="text-muted">
                      Downloads <DownloadsCell kind={link.kind} count={link.downloadCount} limit={link.downloadLimit} />
                    </span>
                  ) : null}
                </div>
                <p className="text-xs text-muted">
                  Created <RelativeTime date={link.createdAt} now={now} />
                  {link.note ? ` · ${link.note}` : ""}
                </p>
                {link.status !== "expired" && link.status !== "revoked" ? (
                  <div className="text-xs">
                    <span className="text-muted">Health: </span>
                    <HealthMark health={link.health} checkedAt={link.healthCheckedAt} now={now} />
                  </div>
                ) : null}
              </div>
              <div className="flex items-center gap-1">
                <Link
                  href={`/links/${link.id}`}
                  className="rounded px-2 py-1 text-xs text-sky-700 hover:underline dark:text-sky-400"
                  aria-label={`Details of the link created ${formatDateTime(link.createdAt, "UTC")} UTC`}
                >
                  Details
                </Link>
                {link.kind === "managed" && link.status !== "revoked" ? (
                  <RevokeLinkButton id={link.id} label={name} compact />
                ) : link.kind === "direct" && link.status !== "expired" ? (
                  <span className="text-xs text-muted">Cannot be revoked</span>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
