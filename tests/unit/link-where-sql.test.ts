import { describe, expect, it } from "vitest";
import { linkWhereSql, SqlParams } from "@/lib/links/link-where-sql";

/** What the API's list sends for the history's where clauses (their results are compared with Prisma's in tests/integration/api-list-records.test.ts). */
function sql(where: Parameters<typeof linkWhereSql>[0]): { text: string; values: unknown[] } {
  const params = new SqlParams();
  return { text: linkWhereSql(where, params, "l"), values: params.values };
}

const downloadLimit = { modelName: "ShareLink", name: "downloadLimit", typeName: "Int", isList: false };

describe("linkWhereSql", () => {
  it("writes equality, null, not, comparisons, a column as operand, in, contains and AND/OR as Prisma means them", () => {
    const at = new Date("2026-12-07T10:20:30.456Z");
    expect(
      sql({
        ownerId: "team",
        issuedById: "me",
        deletedAt: null,
        revokedAt: { not: null },
        target: { not: "request" },
        expiresAt: { gt: at, lte: at },
        downloadCount: { gte: downloadLimit as never },
        health: { in: ["missing", "changed"] },
        AND: [{ OR: [{ downloadLimit: null }, { downloadCount: { lt: downloadLimit as never } }] }],
        OR: [{ key: { contains: "50\\%", mode: "insensitive" } }, { note: { contains: "x", mode: "insensitive" } }],
      }),
    ).toEqual({
      text:
        'l."owner_id" = $1 AND l."issued_by" = $2 AND l."deleted_at" IS NULL AND l."revoked_at" IS NOT NULL AND l."target" <> $3 AND ' +
        'l."expires_at" > $4 AND l."expires_at" <= $5 AND l."download_count" >= l."download_limit" AND l."health" IN ($6, $7) AND ' +
        '(((l."download_limit" IS NULL) OR (l."download_count" < l."download_limit"))) AND ((l."key" ILIKE $8) OR (l."note" ILIKE $9))',
      // Dates as the UTC wall time the columns hold; the pattern as the caller escaped it, inside %…%.
      values: ["team", "me", "request", "2026-12-07T10:20:30.456", "2026-12-07T10:20:30.456", "missing", "changed", "%50\\%%", "%x%"],
    });
  });

  it("matches everything for no condition, nothing for an empty OR or IN, and skips undefined fields", () => {
    expect(sql({})).toEqual({ text: "TRUE", values: [] });
    expect(sql({ ownerId: "t", bucket: undefined, OR: [] })).toEqual({ text: 'l."owner_id" = $1 AND FALSE', values: ["t"] });
    expect(sql({ health: { in: [] } }).text).toBe("FALSE");
    expect(sql({ AND: [] }).text).toBe("TRUE");
  });

  it("refuses what it does not know instead of dropping a condition", () => {
    expect(() => sql({ urlEnc: "x" } as never)).toThrow(/field urlEnc/);
    expect(() => sql({ key: { startsWith: "a" } })).toThrow(/operator startsWith/);
    expect(() => sql({ NOT: { ownerId: "x" } })).toThrow(/field NOT/);
    expect(() => sql({ issuedBy: { is: { name: "x" } } } as never)).toThrow(/field issuedBy/);
    expect(() => sql({ downloadCount: { gte: { modelName: "User", name: "id", typeName: "String" } as never } })).toThrow(/field of User/);
  });
});
