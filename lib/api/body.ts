import { ApiProblem } from "@/lib/api/problem";

/** Request bodies are small JSON documents: anything larger is refused before it is read whole. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON body of at most MAX_BODY_BYTES (413 beyond, 400 when it does not parse). */
export async function readJsonBody(request: Request): Promise<unknown> {
  const tooLarge = () => new ApiProblem("payload-too-large", `Bodies are limited to ${MAX_BODY_BYTES / 1024} KiB. Nothing was changed.`);
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") {
    throw new ApiProblem("malformed-json", "The body is empty: send a JSON object.", { errors: [{ in: "body", field: "", message: "Send a JSON object." }] });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof SyntaxError ? error.message : "Not valid JSON.";
    throw new ApiProblem("malformed-json", `The body is not valid JSON (${message}). Nothing was changed.`, { errors: [{ in: "body", field: "", message }] });
  }
}
