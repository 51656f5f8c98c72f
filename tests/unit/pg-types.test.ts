import { describe, expect, it } from "vitest";
import { PRISMA_LIKE_TYPES } from "@/lib/db/pg-types";

const TIMESTAMP = 1114;
const INT8 = 20;

describe("node-postgres values read as Prisma reads them", () => {
  const timestamp = PRISMA_LIKE_TYPES.getTypeParser(TIMESTAMP, "text") as (value: string) => Date;

  it("reads a timestamp without time zone as UTC, whatever the process's zone", () => {
    expect(timestamp("2026-12-07 08:30:39.123").toISOString()).toBe("2026-12-07T08:30:39.123Z");
    expect(timestamp("9999-12-31 00:00:00").toISOString()).toBe("9999-12-31T00:00:00.000Z");
  });

  it("refuses a timestamp it cannot read rather than give an Invalid Date", () => {
    for (const value of ["infinity", "-infinity", "0044-03-15 00:00:00 BC", "10000-01-01 00:00:00"])
      expect(() => timestamp(value), value).toThrow(/cannot read/);
  });

  it("reads bigint as BigInt", () => {
    expect((PRISMA_LIKE_TYPES.getTypeParser(INT8, "text") as (value: string) => bigint)("9007199254740993")).toBe(9007199254740993n);
  });
});
