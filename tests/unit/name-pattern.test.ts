import { describe, expect, it } from "vitest";
import { fileNameOf, namePatternRegex } from "@/lib/links/name-pattern";
import { selectionRoot } from "@/lib/links/selection-root";

const matches = (pattern: string, name: string) => namePatternRegex(pattern)!.test(name);

describe("name pattern (Share folder)", () => {
  it("matches file names case-insensitively with * ? [..] {..}", () => {
    expect(matches("*.pdf", "Report 2026.PDF")).toBe(true);
    expect(matches("*.pdf", "report.pdf.txt")).toBe(false);
    expect(matches("f10?.txt", "f103.txt")).toBe(true);
    expect(matches("f10?.txt", "f10.txt")).toBe(false);
    expect(matches("[ab]*", "Beta")).toBe(true);
    expect(matches("[!ab]*", "beta")).toBe(false);
    expect(matches("*.{jpg,png}", "x.PNG")).toBe(true);
    expect(matches("*.{jpg,png}", "x.gif")).toBe(false);
  });

  it("treats regex characters literally", () => {
    expect(matches("a+b (1).txt", "a+b (1).txt")).toBe(true);
    expect(matches("a+b (1).txt", "aab (1).txt")).toBe(false);
    expect(matches("$^.|\\*", "$^.|*")).toBe(true);
  });

  it("refuses unbalanced brackets and braces", () => {
    expect(namePatternRegex("[abc")).toBeNull();
    expect(namePatternRegex("{a,b")).toBeNull();
  });

  it("takes the last path segment as the file name", () => {
    expect(fileNameOf("a/b/c.pdf")).toBe("c.pdf");
    expect(fileNameOf("c.pdf")).toBe("c.pdf");
  });

  it("a selection's paths are relative to its common folder", () => {
    expect(selectionRoot(["docs/a.pdf", "docs/b.pdf"])).toBe("docs/");
    expect(selectionRoot(["docs/sub/b.pdf", "docs/a.pdf"])).toBe("docs/");
    expect(selectionRoot(["a.pdf", "docs/b.pdf"])).toBe("");
    expect(selectionRoot(["x/y/z/a", "x/y/q/b"])).toBe("x/y/");
  });
});
