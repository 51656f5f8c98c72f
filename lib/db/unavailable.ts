import { AppError } from "@/lib/errors";

/**
 * Signed-in pages learn that the database is not answering through their error boundary. Next
 * hides a server error's message from the browser in production but passes its `digest` on, so
 * this digest is how app/error.tsx tells "the database is not answering" from any other fault.
 */
export const DATABASE_UNAVAILABLE_DIGEST = "bucketshare-database-unavailable";

export const DATABASE_UNAVAILABLE_MESSAGE = "The database is not answering. Nothing was changed; try again in a moment.";

export function databaseUnavailableError(cause: unknown): AppError & { digest: string } {
  return Object.assign(new AppError("unavailable", DATABASE_UNAVAILABLE_MESSAGE, { cause }), { digest: DATABASE_UNAVAILABLE_DIGEST });
}
