import pg from "pg";

/**
 * Values of a node-postgres query (getPool(), lib/db/client.ts) as Prisma's `$queryRaw` gives them, so a read moved
 * off Prisma hands its callers the same types: `timestamp without time zone` holds UTC (as Prisma writes it) and is
 * read as UTC whatever the process's time zone (node-postgres would read it as local time), and `bigint` is a
 * BigInt (node-postgres gives a string). Everything else keeps node-postgres's parsing (int4 a number, text[] an
 * array of strings, booleans, NULL as null). Pass as the query's `types`.
 */
const TIMESTAMP = 1114;
const INT8 = 20;

function utcTimestamp(value: string): Date {
  // "2026-12-07 08:30:39.123" (PostgreSQL's ISO output, the session's DateStyle default).
  const at = new Date(`${value.replace(" ", "T")}Z`);
  // infinity, a BC date or a year past 9999 (the app writes none): an error, never an Invalid Date that compares as
  // neither before nor after anything (an expiry that would read as "not expired").
  if (Number.isNaN(at.getTime())) throw new Error(`A timestamp the app cannot read came from the database: ${value.slice(0, 40)}`);
  return at;
}

export const PRISMA_LIKE_TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP) return utcTimestamp;
    if (oid === INT8) return (value: string) => BigInt(value);
    // biome-ignore lint/suspicious/noExplicitAny: node-postgres's own overloads
    return pg.types.getTypeParser(oid, format as any);
  },
} as pg.CustomTypesConfig;
