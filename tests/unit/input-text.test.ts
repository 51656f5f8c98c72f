/**
 * The rules every text a caller sends follows, one copy for server actions and the API: no NUL
 * character (PostgreSQL text cannot hold one) except in passwords, which are only ever hashed; and
 * no "." or ".." key segment in a link (URL clients remove them).
 */
import { describe, expect, it } from "vitest";
import { keyHasDotSegment, nulCharacterPaths } from "@/lib/validation/text";

describe("the NUL rule", () => {
  it("names every field holding a NUL, at any depth, and leaves passwords out", () => {
    const input = {
      name: "Nightly\u0000",
      note: "fine",
      password: "pw\u0000",
      newPassword: "\u0000",
      files: { keys: ["a.pdf", "b\u0000.pdf"] },
      scopes: ["links:write\u0000"],
    };
    expect(nulCharacterPaths(input)).toEqual(["name", "files.keys.1", "scopes.0"]);
    expect(nulCharacterPaths({ note: "no control characters" })).toEqual([]);
  });
});

describe("the dot-segment rule", () => {
  it.each([
    ["a/../b.bin", true],
    ["./a.bin", true],
    ["a/./b", true],
    ["..", true],
    ["a..b/c.d", false],
    ["a//b", false],
    [".hidden/file", false],
  ])("%s: %s", (key, refused) => {
    expect(keyHasDotSegment(key)).toBe(refused);
  });
});
