import { describe, expect, it } from "vitest";
import { csvField, csvRow } from "@/lib/links/csv";

describe("CSV export fields", () => {
  it("quotes every field, even plain ones", () => {
    expect(csvField("report.pdf")).toBe('"report.pdf"');
    expect(csvField("")).toBe('""');
    expect(csvRow(["a", "b c", "2026-11-29T10:00:00.000Z"])).toBe('"a","b c","2026-11-29T10:00:00.000Z"\r\n');
  });

  it("keeps separators and quotes inside the cell", () => {
    expect(csvField('x;=HYPERLINK("http://evil")')).toBe('"x;=HYPERLINK(""http://evil"")"');
    expect(csvField("a,b\r\nc\td")).toBe('"a,b\r\nc\td"');
  });

  it.each([
    ['=HYPERLINK("http://evil","x")', '"\'=HYPERLINK(""http://evil"",""x"")"'],
    ["+1+1", '"\'+1+1"'],
    ["-2+3", '"\'-2+3"'],
    ["@SUM(A1)", '"\'@SUM(A1)"'],
    ["\t=1", '"\'\t=1"'],
    ["\r=1", '"\'\r=1"'],
  ])("neutralises a cell starting with a formula character: %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("leaves a formula character that is not first alone", () => {
    expect(csvField("a=b")).toBe('"a=b"');
  });
});
