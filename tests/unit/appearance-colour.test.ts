import { describe, expect, it } from "vitest";
import { accentColourProblem, contrastWithWhite, normaliseHexColour } from "@/lib/appearance/colour";

describe("accent colours", () => {
  it("normalises #rgb and #rrggbb to lowercase #rrggbb and nothing else", () => {
    expect(normaliseHexColour("#0369A1")).toBe("#0369a1");
    expect(normaliseHexColour(" #036 ")).toBe("#003366");
    expect(normaliseHexColour("036")).toBe("#003366");
    for (const bad of ["", "#", "#12", "#1234", "#12345g", "blue", "rgb(0,0,0)", "#0369a1ff"]) expect(normaliseHexColour(bad), bad).toBeNull();
  });

  it("measures contrast with white text as WCAG does", () => {
    expect(contrastWithWhite("#000000")).toBeCloseTo(21, 5);
    expect(contrastWithWhite("#ffffff")).toBeCloseTo(1, 5);
    expect(contrastWithWhite("#0369a1")).toBeGreaterThan(4.5);
    expect(contrastWithWhite("#767676")).toBeCloseTo(4.54, 2);
  });

  it("says in words why a colour cannot be used", () => {
    expect(accentColourProblem("#0369a1")).toBeNull();
    expect(accentColourProblem("#767676")).toBeNull();
    expect(accentColourProblem("#777777")).toBe("This colour is too light: white text on it has a contrast of 4.4:1; WCAG needs 4.5:1. Try a darker shade.");
    expect(accentColourProblem("#ffffff")).toMatch(/contrast of 1\.0:1/);
    expect(accentColourProblem("red!")).toMatch(/^Enter the colour as #/);
    expect(accentColourProblem("")).toMatch(/^Enter a colour/);
  });
});
