import "server-only";
import { AppError } from "@/lib/errors";
import type { SessionRouteContext } from "@/lib/http/with-session";
import { contentDisposition } from "@/lib/links/content-disposition";
import { getManifestSource, manifestStream } from "@/lib/links/manifest";
import { manifestExpiry, manifestFileName, type ManifestQuery } from "@/lib/links/manifest-format";
import { log } from "@/lib/log";

const CONTENT_TYPE = { csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" } as const;

/**
 * "Export manifest" of a multi-file share: GET /links/<id>/manifest?format=csv|json&expires=<seconds>,
 * after withSession checked the session and the parameters. Ownership is in the query (another
 * owner's share is 404). Streams one entry per file with a direct presigned URL; X-Total-Count gives
 * the number of files for the page's progress. The URLs never reach a log line.
 */
export async function exportManifest({ user, params, query }: SessionRouteContext<{ id: string }, ManifestQuery>): Promise<Response> {
  const source = await getManifestSource(user, params.id);
  if (!source) throw new AppError("not_found", "This share is not in your history, or it is not a multi-file share.");
  // Whole seconds: X-Amz-Date has no milliseconds, so expires_at is exactly when S3 stops accepting the URLs.
  const now = new Date(Math.floor(Date.now() / 1_000) * 1_000);
  const expiry = manifestExpiry(now, query.expires, source.credentialsExpireAt, source.expiresAt);
  if (!expiry.ok) throw new AppError("conflict", expiry.message);
  const started = performance.now();
  const body = manifestStream(source, {
    format: query.format,
    signingDate: now,
    expiresInSeconds: expiry.seconds,
    expiresAt: expiry.expiresAt,
    onError: (error) => log.error("links.manifest_failed", { linkId: source.linkId, error }),
    onDone: (count) =>
      log.info("links.manifest_exported", {
        linkId: source.linkId,
        format: query.format,
        files: count,
        seconds: expiry.seconds,
        ms: Math.round(performance.now() - started),
      }),
  });
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPE[query.format],
      "Content-Disposition": contentDisposition("attachment", manifestFileName(source.title, query.format)),
      "Cache-Control": "no-store",
      "X-Total-Count": String(source.fileCount),
      "X-Manifest-Expires-At": expiry.expiresAt.toISOString(),
      "X-Manifest-Limited-By-Credentials": expiry.limitedByCredentials ? "1" : "0",
    },
  });
}
