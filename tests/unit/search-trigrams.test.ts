import { describe, expect, it } from "vitest";
import { searchPlan } from "@/lib/links/search-trigrams";

/** The trigrams of `folder-N/file-N.pdf` keys that are in every one of them (as show_trgm spells them). */
const COMMON = new Set(["fol", "old", "lde", "der", "er ", "  f", " fo", "fil", "ile", "le ", " fi", "  p", " pd", "pdf", "df ", "  1"]);

describe("searchPlan: the history search asks a trigram index for a term's distinctive words only", () => {
  it("leaves out the words whose trigrams are all common, keeping the separators that bound the rest", () => {
    expect(searchPlan("folder-42/", COMMON)).toEqual({ narrowed: "%%-42/%", broad: false });
    expect(searchPlan("Folder-42/File-7", COMMON)).toEqual({ narrowed: "%%-42/%-7%", broad: false });
    expect(searchPlan("4242.pdf", COMMON)).toEqual({ narrowed: "%4242.%%", broad: false });
  });

  it("escapes LIKE's wildcards and escape character in what it keeps", () => {
    expect(searchPlan("report_50%\\x.pdf", COMMON)).toEqual({ narrowed: "%report\\_50\\%\\\\x.%%", broad: false });
  });

  it("judges a word by the trigrams pg_trgm takes from it in a LIKE pattern: padded only beside a separator", () => {
    // `file` at the start of the term: no leading blanks, so `fil`, `ile` and, before `-`, `le `: all common.
    expect(searchPlan("file-9", COMMON).narrowed).toBe("%%-9%");
    // `file` alone: `fil`, `ile`, nothing else: common, and nothing distinctive is left: most keys match.
    expect(searchPlan("file", COMMON)).toEqual({ narrowed: null, broad: true });
    // After a separator `1` is `  1` only (common) but `12` adds ` 12`: distinctive.
    expect(searchPlan("folder-1", COMMON)).toEqual({ narrowed: null, broad: true });
    expect(searchPlan("folder-12", COMMON)).toEqual({ narrowed: "%%-12%", broad: false });
  });

  it("asks for the whole term when nothing is common, without statistics, or for letters beyond ASCII", () => {
    expect(searchPlan("invoice 2026", COMMON)).toEqual({ narrowed: null, broad: false });
    expect(searchPlan("folder-42/", new Set())).toEqual({ narrowed: null, broad: false });
    expect(searchPlan("folder-42/Ärger", COMMON)).toEqual({ narrowed: null, broad: false });
  });
});
