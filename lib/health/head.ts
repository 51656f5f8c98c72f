import "server-only";
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { StorageAnswer } from "@/lib/health/outcome";

/**
 * The health checker's HeadObject: a HEAD of a URL presigned by the one signer (lib/storage/presign-batch.ts,
 * operation "HeadObject"), sent with node:http on kept-alive sockets. The AWS SDK's HeadObjectCommand costs more
 * CPU than the whole rest of a check (npm run bench:health measures both); a HEAD has no body to parse, so the
 * status and three headers are all there is to read. Resolves with storage's answer; rejects only with a network
 * error or an abort (the caller's deadline), which lib/health/outcome.ts storageAnswerOf reads as "unreachable".
 */

const agentOptions = { keepAlive: true, maxSockets: 16, keepAliveMsecs: 10_000 };
const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return typeof value === "string" && value !== "" ? value : null;
}

/** The answer to a HEAD of `url` (a presigned HeadObject), or a rejection when no HTTP answer came. */
export function headPresigned(url: string, signal: AbortSignal): Promise<StorageAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const send = secure ? httpsRequest : httpRequest;
    const request = send(target, { method: "HEAD", agent: secure ? agents.https : agents.http, signal }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        const length = Number(header(response, "content-length"));
        resolve({
          type: "found",
          etag: header(response, "etag"),
          versionId: header(response, "x-amz-version-id"),
          size: Number.isFinite(length) ? length : null,
        });
      } else {
        // A HEAD answer has no body: some servers name the S3 error in a header, most give only the status.
        resolve({ type: "error", status, code: header(response, "x-amz-error-code") });
      }
    });
    request.on("error", reject);
    request.end();
  });
}
