import "server-only";
import { ApiProblem, type FieldProblem } from "@/lib/api/problem";
import { describeStorageError } from "@/lib/storage/errors";

/**
 * A storage failure as a problem: a missing bucket or key is 404 naming the field, a silent or
 * unreachable service 504/502; the raw error (which may quote a signed request) is only logged.
 */
export function storageProblem(error: unknown, fields: { bucket?: FieldProblem["in"]; key?: FieldProblem["in"] } = {}): unknown {
  if (error instanceof ApiProblem) return error;
  const info = describeStorageError(error);
  if (info.problem === "unknown" && !(error as { $metadata?: unknown } | null)?.$metadata) return error;
  const detail = `${info.title}. ${info.message}`;
  switch (info.problem) {
    case "no_such_bucket":
      return new ApiProblem("not-found", detail, {
        cause: error,
        errors: fields.bucket ? [{ in: fields.bucket, field: "bucket", message: "No such bucket." }] : undefined,
      });
    case "no_such_key":
      return new ApiProblem("not-found", detail, {
        cause: error,
        errors: fields.key ? [{ in: fields.key, field: "key", message: "No such object." }] : undefined,
      });
    case "timeout":
      return new ApiProblem("storage-timeout", detail, { cause: error, headers: { "Retry-After": "5" } });
    default:
      return new ApiProblem("storage-error", detail, { cause: error });
  }
}

/** Runs a storage call, turning its failures into problems. */
export async function withStorageProblems<T>(work: () => Promise<T>, fields?: Parameters<typeof storageProblem>[1]): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storageProblem(error, fields);
  }
}
