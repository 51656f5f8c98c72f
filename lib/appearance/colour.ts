/**
 * The accent colour of recipient pages: white text is set on it (buttons, the header) and it colours links on a white
 * page, so it must reach WCAG's 4.5:1 against white. Pure functions: the form and the server use the same rule.
 */

/** WCAG 2.x AA for normal text. */
export const MIN_CONTRAST = 4.5;

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** "#RGB", "#rrggbb" (the "#" may be left out) as lowercase "#rrggbb"; null for anything else. */
export function normaliseHexColour(text: string): string | null {
  const match = HEX.exec(text.trim());
  if (!match) return null;
  const digits = match[1]!.toLowerCase();
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join("") : digits;
  return `#${full}`;
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a "#rrggbb" colour. */
export function relativeLuminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 0xff) + 0.7152 * channel((n >> 8) & 0xff) + 0.0722 * channel(n & 0xff);
}

/** The contrast ratio of white text on this "#rrggbb" colour (1 to 21). */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (relativeLuminance(hex) + 0.05);
}

/** Why an accent colour cannot be used, in words, or null when it can. `text` is what the person typed. */
export function accentColourProblem(text: string): string | null {
  if (text.trim() === "") return "Enter a colour such as #0369a1.";
  const hex = normaliseHexColour(text);
  if (!hex) return "Enter the colour as # and 3 or 6 hexadecimal digits, such as #0369a1.";
  const ratio = contrastWithWhite(hex);
  if (ratio >= MIN_CONTRAST) return null;
  // Rounded down, so a colour just short of 4.5:1 never reads "4.5:1; WCAG needs 4.5:1".
  const shown = (Math.floor(ratio * 10) / 10).toFixed(1);
  return `This colour is too light: white text on it has a contrast of ${shown}:1; WCAG needs ${MIN_CONTRAST}:1. Try a darker shade.`;
}
