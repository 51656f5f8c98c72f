import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { describeStorageError } from "@/lib/storage/errors";

/** A storage failure during an upload, as a bounded, explained error (the raw one is only logged). */
export function uploadStorageFault(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const info = describeStorageError(error);
  log.warn("uploads.storage_failed", { what, problem: info.problem, error });
  return new AppError("storage", `${what} failed: ${info.message}`, { cause: error });
}
