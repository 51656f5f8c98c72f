/**
 * "Share folder" → name pattern: a glob on the file name (not the path), case-insensitive.
 * `*` any run of characters, `?` one character, `[abc]`/`[a-z]`/`[!abc]` a class, `{pdf,docx}` alternatives.
 * Anything else matches itself. Shared by the dialog (to explain) and the server (to select).
 */

export const MAX_PATTERN_LENGTH = 200;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A RegExp for the pattern, or null when it is not a usable glob (unbalanced brackets or braces). */
export function namePatternRegex(pattern: string): RegExp | null {
  let out = "";
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) return null;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = end;
    } else if (c === "{") {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) out += "|";
    else if (c === "\\" && i + 1 < pattern.length) out += escapeRegex(pattern[++i]!);
    else out += escapeRegex(c);
  }
  if (depth !== 0) return null;
  try {
    return new RegExp(`^${out}$`, "i");
  } catch {
    return null;
  }
}

/** The last path segment of a key. */
export function fileNameOf(key: string): string {
  const cut = key.lastIndexOf("/");
  return cut === -1 ? key : key.slice(cut + 1);
}
