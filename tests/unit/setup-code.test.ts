import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { consumeSetupCode, ensureSetupCode, generateSetupCode, normalizeSetupCode, setupCodeMatches, setupCodePath, setupUrl } from "@/lib/auth/setup-code";

const FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe("setup code", () => {
  it("is 16 characters of Crockford base32 in groups of four, different every time", () => {
    const codes = new Set(Array.from({ length: 1000 }, () => generateSetupCode()));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(code).toMatch(FORMAT);
    // Every symbol turns up (uniform choice over all 32), so each character carries 5 bits: 80 in all.
    expect(new Set([...codes].join("").replace(/-/g, "")).size).toBe(32);
  });

  it("forgives case, spaces, dashes and the look-alikes O, I and L", () => {
    expect(normalizeSetupCode(" 7k2q m9xd-4rta zp3e ")).toBe("7K2QM9XD4RTAZP3E");
    expect(normalizeSetupCode("OOOO-IIII-LLLL-0000")).toBe("0000111111110000");
    expect(normalizeSetupCode("7K2Q-M9XD-4RTA")).toBe("");
    expect(normalizeSetupCode("7K2Q-M9XD-4RTA-ZP3U")).toBe("");
  });

  it("is kept in a private file, kept across restarts, matched only while it waits", () => {
    const dir = mkdtempSync(join(tmpdir(), "setup-code-unit-"));
    expect(setupCodeMatches(dir, "0000-0000-0000-0000")).toBe(false);
    const { code, created } = ensureSetupCode(dir);
    expect(created).toBe(true);
    expect(statSync(setupCodePath(dir)).mode & 0o777).toBe(0o600);
    expect(ensureSetupCode(dir)).toEqual({ code, created: false });
    expect(setupCodeMatches(dir, code.toLowerCase())).toBe(true);
    expect(
      setupCodeMatches(
        dir,
        code.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
      ),
    ).toBe(false);
    expect(setupCodeMatches(dir, "")).toBe(false);
    consumeSetupCode(dir);
    expect(setupCodeMatches(dir, code)).toBe(false);
  });

  it("replaces a malformed file and tightens loose permissions", () => {
    const dir = mkdtempSync(join(tmpdir(), "setup-code-unit-"));
    writeFileSync(setupCodePath(dir), "garbage\n", { mode: 0o644 });
    const { code, created } = ensureSetupCode(dir);
    expect(created).toBe(true);
    expect(code).toMatch(FORMAT);
    chmodSync(setupCodePath(dir), 0o644);
    expect(ensureSetupCode(dir)).toEqual({ code, created: false });
    expect(statSync(setupCodePath(dir)).mode & 0o777).toBe(0o600);
  });

  it("makes the URL the console prints", () => {
    expect(setupUrl(3000, "7K2Q-M9XD-4RTA-ZP3E")).toBe("http://localhost:3000/setup?code=7K2Q-M9XD-4RTA-ZP3E");
  });
});
