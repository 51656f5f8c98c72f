import { getSessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { contentDisposition } from "@/lib/links/content-disposition";
import { getManifestSource, manifestStream } from "@/lib/links/manifest";
import { manifestExpiry, manifestFileName, manifestQuerySchema } from "@/lib/links/manifest-format";
import { log } from "@/lib/log";
import { linkIdSchema } from "@/lib/validation/share";

export const dynamic = "force-dynamic";

const CONTENT_TYPE = { csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" } as const;

function problem(status: number, message: string, fieldErrors?: Record<string, string[]>): Response {
  return Response.json({ error: message, ...(fieldErrors ? { fieldErrors } : {}) }, { status, headers: { "Cache-Control": "no-store" } });
}

/**
 * "Export manifest" of a multi-file share: GET /links/<id>/manifest?format=csv|json&expires=<seconds>.
 * Session first, then the parameters, then ownership (in the query: another owner's share is 404).
 * Streams one entry per file with a direct presigned URL; X-Total-Count gives the number of files
 * for the page's progress. The URLs never reach a log line.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const user = await getSessionUser();
  if (!user) return problem(401, "Sign in first.");

  const id = linkIdSchema.safeParse(await context.params);
  if (!id.success) return problem(404, "This share is not in your history.");
  const search = new URL(request.url).searchParams;
  const query = manifestQuerySchema.safeParse({ format: search.get("format") ?? undefined, expires: search.get("expires") ?? undefined });
  if (!query.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of query.error.issues) (fieldErrors[String(issue.path[0])] ??= []).push(issue.message);
    return problem(400, Object.values(fieldErrors).flat().join(" "), fieldErrors);
  }

  try {
    const source = await getManifestSource(user.id, id.data.id);
    if (!source) return problem(404, "This share is not in your history, or it is not a multi-file share.");
    // Whole seconds: X-Amz-Date has no milliseconds, so expires_at is exactly when S3 stops accepting the URLs.
    const now = new Date(Math.floor(Date.now() / 1_000) * 1_000);
    const expiry = manifestExpiry(now, query.data.expires, source.credentialsExpireAt, source.expiresAt);
    if (!expiry.ok) return problem(409, expiry.message);
    const started = performance.now();
    const body = manifestStream(source, {
      format: query.data.format,
      signingDate: now,
      expiresInSeconds: expiry.seconds,
      expiresAt: expiry.expiresAt,
      onError: (error) => log.error("links.manifest_failed", { linkId: source.linkId, error }),
      onDone: (count) =>
        log.info("links.manifest_exported", { linkId: source.linkId, format: query.data.format, files: count, seconds: expiry.seconds, ms: Math.round(performance.now() - started) }),
    });
    return new Response(body, {
      headers: {
        "Content-Type": CONTENT_TYPE[query.data.format],
        "Content-Disposition": contentDisposition("attachment", manifestFileName(source.title, query.data.format)),
        "Cache-Control": "no-store",
        "X-Total-Count": String(source.fileCount),
        "X-Manifest-Expires-At": expiry.expiresAt.toISOString(),
        "X-Manifest-Limited-By-Credentials": expiry.limitedByCredentials ? "1" : "0",
      },
    });
  } catch (error) {
    if (error instanceof AppError) return problem(error.status, error.message);
    log.error("links.manifest_failed", { linkId: id.data.id, error });
    return problem(500, "The manifest could not be made. Try again.");
  }
}
