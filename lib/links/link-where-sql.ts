import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * A share_links where clause (the history's own: historyWhere in lib/links/history.ts) as SQL for node-postgres,
 * so the API's list keeps exactly the history's filters and rights while skipping Prisma's per-query work
 * (`npm run bench:api`). Only the operators the history uses are known: `=`, null, `not`, `gt`/`gte`/`lt`/`lte`
 * (a value or another column: `db.shareLink.fields.…`), `in`, `contains` (with `mode: "insensitive"`: ILIKE, with
 * the pattern's own % and _ as the caller escaped them, as Prisma sends it), AND and OR. Anything else throws, so a
 * new filter cannot be dropped silently (tests/unit/link-where-sql.test.ts translates every filter of the history).
 * Values become parameters; dates are sent as the UTC wall time the columns hold (`timestamp without time zone`).
 */

/** The columns the history filters on (a `not` with a value is SQL's <>, as Prisma sends it: NULL never matches). */
const COLUMNS: Record<string, string> = {
  id: "id",
  ownerId: "owner_id",
  issuedById: "issued_by",
  connectionId: "connection_id",
  bucket: "bucket",
  key: "key",
  note: "note",
  title: "title",
  kind: "kind",
  target: "target",
  createdAt: "created_at",
  expiresAt: "expires_at",
  expiresSoonAt: "expires_soon_at",
  revokedAt: "revoked_at",
  deletedAt: "deleted_at",
  downloadLimit: "download_limit",
  downloadCount: "download_count",
  objectState: "object_state",
  health: "health",
};

const COMPARISONS: Record<string, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=" };

type FieldRef = { modelName: string; name: string; typeName: string };

function isFieldRef(value: unknown): value is FieldRef {
  return typeof value === "object" && value !== null && "modelName" in value && "name" in value && "typeName" in value;
}

function unsupported(what: string): never {
  throw new Error(`linkWhereSql: ${what} is not translated (add it to lib/links/link-where-sql.ts)`);
}

/** Builds one statement's parameters ($1, $2, …) in order. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    // "2026-12-07T10:00:00.000": the UTC wall time, with no zone for PostgreSQL to apply.
    this.values.push(value instanceof Date ? value.toISOString().slice(0, -1) : value);
    return `$${this.values.length}`;
  }
}

function column(alias: string, field: string): string {
  const name = COLUMNS[field];
  if (!name) unsupported(`the field ${field}`);
  return `${alias}."${name}"`;
}

function operand(alias: string, value: unknown, params: SqlParams): string {
  if (isFieldRef(value)) {
    if (value.modelName !== "ShareLink") unsupported(`a field of ${value.modelName}`);
    return column(alias, value.name);
  }
  if (value === null || (typeof value === "object" && !(value instanceof Date))) unsupported(`the value ${JSON.stringify(value)}`);
  return params.add(value);
}

function fieldSql(alias: string, field: string, filter: unknown, params: SqlParams): string[] {
  const col = column(alias, field);
  if (filter === null) return [`${col} IS NULL`];
  if (typeof filter !== "object" || filter instanceof Date || isFieldRef(filter)) return [`${col} = ${operand(alias, filter, params)}`];
  const ops = filter as Record<string, unknown>;
  const insensitive = ops.mode === "insensitive";
  if (ops.mode !== undefined && ops.mode !== "insensitive" && ops.mode !== "default") unsupported(`mode ${String(ops.mode)}`);
  const out: string[] = [];
  for (const [op, value] of Object.entries(ops)) {
    if (value === undefined || op === "mode") continue;
    if (op === "equals") out.push(...fieldSql(alias, field, value, params));
    else if (op === "not") out.push(value === null ? `${col} IS NOT NULL` : `${col} <> ${operand(alias, value, params)}`);
    else if (COMPARISONS[op]) out.push(`${col} ${COMPARISONS[op]} ${operand(alias, value, params)}`);
    else if (op === "in") {
      if (!Array.isArray(value)) unsupported("in without a list");
      out.push(value.length === 0 ? "FALSE" : `${col} IN (${value.map((v) => operand(alias, v, params)).join(", ")})`);
    } else if (op === "contains") {
      if (typeof value !== "string") unsupported("contains without a string");
      out.push(`${col} ${insensitive ? "ILIKE" : "LIKE"} ${params.add(`%${value}%`)}`);
    } else unsupported(`the operator ${op}`);
  }
  return out;
}

function list(value: unknown): Prisma.ShareLinkWhereInput[] {
  return (Array.isArray(value) ? value : [value]) as Prisma.ShareLinkWhereInput[];
}

/** The where clause as a SQL condition on share_links `alias` ("TRUE" when it has no condition). */
export function linkWhereSql(where: Prisma.ShareLinkWhereInput, params: SqlParams, alias = "l"): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === "AND") parts.push(...list(value).map((w) => `(${linkWhereSql(w, params, alias)})`));
    else if (key === "OR") {
      const options = list(value);
      parts.push(options.length === 0 ? "FALSE" : `(${options.map((w) => `(${linkWhereSql(w, params, alias)})`).join(" OR ")})`);
    } else parts.push(...fieldSql(alias, key, value, params));
  }
  return parts.length === 0 ? "TRUE" : parts.join(" AND ");
}
