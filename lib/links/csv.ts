/**
 * CSV for the history export. Every field is quoted, so no separator a spreadsheet may pick
 * (`,` `;` tab) splits a cell, and a cell that starts with = + - @ tab or CR is prefixed with `'`
 * so spreadsheets show it as text instead of running it as a formula (OWASP "CSV injection").
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
export function csvRow(values: readonly string[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
