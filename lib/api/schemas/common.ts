import { z } from "zod";

/** Shapes shared by the API's schemas. Dates travel as ISO 8601 strings in UTC. */

export const isoDateTime = z.iso.datetime({ offset: true }).meta({ format: "date-time", example: "2026-12-01T09:30:00Z" });
export const nullableDateTime = isoDateTime.nullable();

/** An opaque id in a path ("/links/{id}"): a wrong shape is simply not found. */
export const idParam = (description: string) => z.strictObject({ id: z.string().min(1).max(64).meta({ description }) });

/** An opaque pagination cursor from a previous page's `nextCursor`. */
export const cursorField = z.string().min(1).max(2048).optional().meta({ description: "`nextCursor` from the previous page; omit for the first page." });

export const toIso = (date: Date): string => date.toISOString();
export const toIsoOrNull = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);
