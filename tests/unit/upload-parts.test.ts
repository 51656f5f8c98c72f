import { describe, expect, it } from "vitest";
import { MAX_PARTS, MAX_UPLOAD_BYTES, PART_SIZE, partCount, partLength } from "@/lib/uploads/parts";

describe("part arithmetic of uploads", () => {
  it("uses 8 MiB parts, at least one, the last one the remainder", () => {
    expect(PART_SIZE).toBe(8 * 1024 * 1024);
    expect(partCount(0)).toBe(1);
    expect(partLength(0, 1)).toBe(0);
    expect(partCount(1)).toBe(1);
    expect(partLength(1, 1)).toBe(1);
    expect(partCount(PART_SIZE)).toBe(1);
    expect(partLength(PART_SIZE, 1)).toBe(PART_SIZE);
    expect(partCount(PART_SIZE + 1)).toBe(2);
    expect(partLength(PART_SIZE + 1, 1)).toBe(PART_SIZE);
    expect(partLength(PART_SIZE + 1, 2)).toBe(1);
    expect(partCount(30 * 1024 * 1024)).toBe(4);
    expect(partLength(30 * 1024 * 1024, 4)).toBe(6 * 1024 * 1024);
  });

  it("refuses part numbers outside 1..count", () => {
    expect(() => partLength(PART_SIZE + 1, 0)).toThrow(RangeError);
    expect(() => partLength(PART_SIZE + 1, 3)).toThrow(RangeError);
    expect(() => partLength(10, 1.5)).toThrow(RangeError);
  });

  it("takes up to 10,000 parts and refuses a file that needs more", () => {
    expect(MAX_UPLOAD_BYTES).toBe(PART_SIZE * MAX_PARTS);
    expect(partCount(MAX_UPLOAD_BYTES)).toBe(10_000);
    expect(partLength(MAX_UPLOAD_BYTES, 10_000)).toBe(PART_SIZE);
    expect(() => partCount(MAX_UPLOAD_BYTES + 1)).toThrow(/more than 10000 parts/);
    expect(() => partCount(-1)).toThrow(RangeError);
    expect(() => partCount(1.5)).toThrow(RangeError);
  });
});

describe("the parts Complete accepts", () => {
  it("exactly 1..count with their exact lengths: a missing, extra or wrong-sized part is named", async () => {
    const { partsProblem } = await import("@/lib/uploads/complete");
    const size = PART_SIZE + 7;
    const good = [
      { PartNumber: 2, Size: 7 },
      { PartNumber: 1, Size: PART_SIZE },
    ];
    expect(partsProblem(good, size, 2)).toBeNull();
    expect(partsProblem([good[1]!], size, 2)).toBe("Part 2 of 2 never arrived.");
    expect(partsProblem([...good, { PartNumber: 3, Size: 1 }], size, 2)).toBe("Part 3 is not a part of this upload (it has 2).");
    expect(
      partsProblem(
        [
          { PartNumber: 1, Size: PART_SIZE },
          { PartNumber: 2, Size: 8 },
        ],
        size,
        2,
      ),
    ).toBe("Part 2 has 8 bytes instead of 7.");
  });
});
