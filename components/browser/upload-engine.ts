import AwsS3 from "@uppy/aws-s3";
import Uppy from "@uppy/core";
import { PART_SIZE, SIGN_AHEAD } from "@/lib/uploads/parts";

/**
 * Uppy, set up for THE CONTRACT (loaded on first use by the folder page's uploader and the upload request page,
 * bundled by the app): every upload is multipart in 8 MiB parts, the key is the one the server chose when the
 * upload began, and every request Uppy makes is signed by the app (`POST /uploads/sign` for the signed-in person,
 * `POST /u/<token>/sign` on an upload request's page, with the upload's id), so the browser holds no credentials
 * and the server completes each upload after its own checks.
 */

export { PART_SIZE };

export type EngineMeta = { uploadId: string; key: string; localId: string; relativePath: string };
export type Engine = Uppy<EngineMeta, Record<string, never>>;

/** Part URLs signed ahead are used only while they are this fresh (the app signs them for 15 minutes). */
const AHEAD_FRESH_MS = 10 * 60_000;

/** The JSON body the signer gets: Uppy's request plus the upload row's id (and, for a part, how many to sign ahead). */
export function signBody(id: string, request: { method: string; partNumber?: number }): string {
  return JSON.stringify({ id, ...request, ...(request.method === "PUT" && request.partNumber ? { ahead: SIGN_AHEAD } : {}) });
}

/** Part URLs the app signed ahead, by upload id and part number, each used once. */
export function createAheadCache(now: () => number = Date.now) {
  const urls = new Map<string, { url: string; at: number }>();
  const slot = (uploadId: string, partNumber: number) => `${uploadId}:${partNumber}`;
  return {
    keep(uploadId: string, next: readonly { partNumber: number; url: string }[]) {
      for (const part of next) urls.set(slot(uploadId, part.partNumber), { url: part.url, at: now() });
    },
    take(uploadId: string, partNumber: number): string | null {
      const key = slot(uploadId, partNumber);
      const found = urls.get(key);
      urls.delete(key);
      return found && now() - found.at < AHEAD_FRESH_MS ? found.url : null;
    },
  };
}

export type EngineOptions = {
  /** Where Uppy's requests are signed (default: the signed-in person's `/uploads/sign`). */
  signUrl?: string;
  /**
   * Headers for one upload's requests to the app: the sign request, and Create/Complete/Abort (the app's own
   * paths, never the storage's URLs). An upload request's page sends each upload's secret this way.
   */
  appHeaders?: (uploadId: string) => Record<string, string>;
};

/** Whether a signed URL is one of the app's own paths (Create, Complete, Abort) rather than the storage's. */
export const isAppPath = (url: string) => url.startsWith("/") && !url.startsWith("//");

export function createEngine(options: EngineOptions = {}): Engine {
  const signUrl = options.signUrl ?? "/uploads/sign";
  const appHeaders = options.appHeaders ?? (() => ({}));
  const uppy: Engine = new Uppy<EngineMeta, Record<string, never>>({ autoProceed: false, allowMultipleUploadBatches: true });
  const ahead = createAheadCache();
  // Each key's upload id, kept after the file leaves Uppy's list: removing a file aborts its upload, and that
  // Abort is signed after the file is gone from the list.
  const uploadIds = new Map<string, string>();
  uppy.on("file-added", (file) => uploadIds.set(String(file.meta.key), file.meta.uploadId));
  uppy.use(AwsS3, {
    shouldUseMultipart: true,
    getChunkSize: () => PART_SIZE,
    limit: 4,
    generateObjectKey: (file) => String(file.meta.key),
    signRequest: async (request) => {
      const uploadId = uppy.getFiles().find((candidate) => candidate.meta.key === request.key)?.meta.uploadId ?? uploadIds.get(request.key);
      if (!uploadId) throw new Error("This upload is no longer in the list.");
      if (request.method === "PUT" && "partNumber" in request) {
        const ready = ahead.take(uploadId, request.partNumber);
        if (ready) return { url: ready };
      }
      const response = await fetch(signUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...appHeaders(uploadId) },
        credentials: "same-origin",
        body: signBody(uploadId, request),
      });
      const body = (await response.json().catch(() => null)) as {
        url?: string;
        headers?: Record<string, string>;
        key?: string;
        next?: { partNumber: number; url: string }[];
        detail?: string;
        message?: string;
      } | null;
      if (!response.ok || !body?.url) {
        // The status goes along: a page can tell an upload the server ended (404, 409) from a fault on the way.
        throw Object.assign(new Error(body?.detail ?? body?.message ?? `The app refused to sign this part (${response.status}).`), { status: response.status });
      }
      if (body.next) ahead.keep(uploadId, body.next);
      const headers = { ...body.headers, ...(isAppPath(body.url) ? appHeaders(uploadId) : {}) };
      return { url: body.url, ...(Object.keys(headers).length > 0 ? { headers } : {}), ...(body.key ? { key: body.key } : {}) };
    },
  });
  return uppy;
}
