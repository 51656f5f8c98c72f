import AwsS3 from "@uppy/aws-s3";
import Uppy from "@uppy/core";

/**
 * Uppy, set up for THE CONTRACT (loaded on first use by the folder page's uploader, bundled by the app):
 * every upload is multipart in 8 MiB parts, the key is the one the server chose in beginUploadAction,
 * and every request Uppy makes is signed by the app (`POST /uploads/sign` with the upload's id), so the
 * browser holds no credentials and the server completes each upload after its own checks.
 */

export const PART_SIZE = 8 * 1024 * 1024;

export type EngineMeta = { uploadId: string; key: string; localId: string; relativePath: string };
export type Engine = Uppy<EngineMeta, Record<string, never>>;

/** The JSON body the signer gets: Uppy's request plus the upload row's id. */
export function signBody(id: string, request: object): string {
  return JSON.stringify({ id, ...request });
}

export function createEngine(): Engine {
  const uppy: Engine = new Uppy<EngineMeta, Record<string, never>>({ autoProceed: false, allowMultipleUploadBatches: true });
  uppy.use(AwsS3, {
    shouldUseMultipart: true,
    getChunkSize: () => PART_SIZE,
    limit: 4,
    generateObjectKey: (file) => String(file.meta.key),
    signRequest: async (request) => {
      const file = uppy.getFiles().find((candidate) => candidate.meta.key === request.key);
      if (!file) throw new Error("This upload is no longer in the list.");
      const response = await fetch("/uploads/sign", {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        body: signBody(file.meta.uploadId, request),
      });
      const body = (await response.json().catch(() => null)) as {
        url?: string;
        headers?: Record<string, string>;
        key?: string;
        detail?: string;
        message?: string;
      } | null;
      if (!response.ok || !body?.url) throw new Error(body?.detail ?? body?.message ?? `The app refused to sign this part (${response.status}).`);
      return { url: body.url, ...(body.headers ? { headers: body.headers } : {}), ...(body.key ? { key: body.key } : {}) };
    },
  });
  return uppy;
}
