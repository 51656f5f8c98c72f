import type { RequestedExpiry } from "@/lib/links/share-request";
import { cleanSegment } from "@/lib/uploads/keys";

/**
 * Upload requests ("Request files"): what one is made of whichever door it came through (the
 * dialog's form, the API's JSON), the limits' defaults and words, and its status. Pure: safe in
 * client components. The core is lib/upload-requests/issue.ts issueUploadRequest.
 */

export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

/** "Max files", "Max file size", "Max total size" when left as they are. */
export const DEFAULT_LIMITS = { maxFiles: 10, maxFileSize: GIB, maxTotalSize: 5 * GIB } as const;
/** The largest values a request takes: 10,000 files, 5 TiB per file (S3's largest object), 50 TiB in all. */
export const MAX_LIMITS = { maxFiles: 10_000, maxFileSize: 5 * 1024 ** 4, maxTotalSize: 50 * 1024 ** 4 } as const;

export const MAX_TITLE_LENGTH = 200;
export const MAX_MESSAGE_LENGTH = 2_000;
export const MAX_ALLOWED_TYPES = 50;

/** One typed request, as issueUploadRequest takes it. */
export type UploadRequestRequest = {
  connectionId: string;
  bucket: string;
  /** The folder the request is made on: "" (the bucket's root) or a prefix ending in "/". */
  folder: string;
  /** "Title"; null = the date (the landing folder is named after it either way). */
  title: string | null;
  message: string | null;
  maxFiles: number;
  maxFileSize: number;
  maxTotalSize: number;
  /** Extensions (".pdf") and MIME families ("image/*") or types; empty = any type. */
  allowedTypes: string[];
  expiry: RequestedExpiry;
  password: string | null;
  askName: boolean;
  askEmail: boolean;
  /** Each uploader's files under a sub-folder of their name (needs askName). */
  folderPerUploader: boolean;
  timeZone: string;
};

/** Why a request cannot be made as asked, per field (the form's and the API's names are the same). */
export type RequestProblems = Partial<Record<"maxFiles" | "maxFileSize" | "maxTotalSize" | "allowedTypes" | "folderPerUploader" | "title", string>>;

const EXTENSION = /^\.[a-z0-9][a-z0-9_+-]{0,15}$/;
const MIME_TOKEN = "[a-z0-9][a-z0-9!#$&^_.+-]{0,63}";
const MIME = new RegExp(`^${MIME_TOKEN}/(?:\\*|${MIME_TOKEN})$`);

export const ALLOWED_TYPES_HELP = "Extensions and/or MIME families, separated by commas: pdf, .jpg, image/*. Empty: any type.";

/**
 * "Allowed file types" as typed: "pdf, .jpg, image/*" → [".pdf", ".jpg", "image/*"]. Extensions get
 * their dot, everything is lower case, duplicates go; what is neither an extension nor a MIME type is
 * named in `invalid`.
 */
export function parseAllowedTypes(text: string): { ok: true; types: string[] } | { ok: false; invalid: string[] } {
  const entries = text
    .split(/[\s,;]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const types: string[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const normalised = entry.includes("/") ? entry : entry.startsWith(".") ? entry : `.${entry}`;
    if (entry.includes("/") ? MIME.test(normalised) : EXTENSION.test(normalised)) {
      if (!types.includes(normalised)) types.push(normalised);
    } else invalid.push(entry);
  }
  return invalid.length > 0 ? { ok: false, invalid } : { ok: true, types };
}

export function allowedTypesProblem(types: readonly string[]): string | null {
  if (types.length > MAX_ALLOWED_TYPES) return `List at most ${MAX_ALLOWED_TYPES} types.`;
  const parsed = parseAllowedTypes(types.join(","));
  if (parsed.ok) return null;
  const shown = parsed.invalid
    .slice(0, 5)
    .map((e) => `“${e.slice(0, 40)}”`)
    .join(", ");
  return `Not an extension or a MIME type: ${shown}. ${ALLOWED_TYPES_HELP}`;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: MIB,
  mib: MIB,
  gb: GIB,
  gib: GIB,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

export const SIZE_HELP = "A number and a unit: 500 MB, 2 GB, 1.5 TB (1 GB = 1024 MB).";

/** "500 MB", "1.5 GB", "2gib" → bytes (powers of 1024, as sizes are shown); null when it is not a size. */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:[.,]\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  if (!match) return null;
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Math.round(Number(match[1]!.replace(",", ".")) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}

/** 1 GiB → "1 GB", 1536 MiB → "1.5 GB": what the form shows for a size (parseSize reads it back). */
export function sizeText(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && Number.isInteger((value / 1024) * 100)) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(2))} ${units[unit]}`;
}

/** The limits' own rules (a file may not exceed the total; each within MAX_LIMITS), per field. */
export function limitsProblems(limits: { maxFiles: number; maxFileSize: number; maxTotalSize: number }): RequestProblems {
  const problems: RequestProblems = {};
  if (!Number.isInteger(limits.maxFiles) || limits.maxFiles < 1 || limits.maxFiles > MAX_LIMITS.maxFiles)
    problems.maxFiles = `Enter a whole number from 1 to ${MAX_LIMITS.maxFiles.toLocaleString("en-US")}.`;
  if (!Number.isSafeInteger(limits.maxFileSize) || limits.maxFileSize < 1 || limits.maxFileSize > MAX_LIMITS.maxFileSize)
    problems.maxFileSize = "Enter a size from 1 byte to 5 TB (S3's largest object).";
  if (!Number.isSafeInteger(limits.maxTotalSize) || limits.maxTotalSize < 1 || limits.maxTotalSize > MAX_LIMITS.maxTotalSize)
    problems.maxTotalSize = "Enter a size from 1 byte to 50 TB.";
  else if (!problems.maxFileSize && limits.maxTotalSize < limits.maxFileSize)
    problems.maxTotalSize = "The total must be at least the largest file: raise it, or lower Max file size.";
  return problems;
}

/** "2026-12-07": the landing folder's name when the request has no title. */
export function dateSegment(now: Date, timeZone = "UTC"): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/**
 * Where a request's uploads land: `<folder>/<title or date>/` (the title cleaned into one segment
 * with lib/uploads/keys.ts cleanSegment; a title with no usable character gives the date).
 */
export function landingFolder(folder: string, title: string | null, now: Date, timeZone = "UTC"): string {
  const segment = (title ? cleanSegment(title) : null) ?? dateSegment(now, timeZone);
  return `${folder}${segment}/`;
}

/**
 * The uploader's sub-folder's name ("A folder per uploader"): their name as one segment (lib/uploads/keys.ts
 * cleanSegment, at most 100 characters), or "Unnamed" when nothing usable is left ("", ".", "..", only invisible
 * characters), so a file never lands beside the other uploaders' folders.
 */
export function uploaderSegment(uploaderName: string | null): string {
  return (uploaderName ? cleanSegment(uploaderName.slice(0, 100)) : null) ?? "Unnamed";
}

/** The uploader's sub-folder ("A folder per uploader"): `<landing><uploaderSegment>/`. */
export function uploaderFolder(landing: string, uploaderName: string | null): string {
  return `${landing}${uploaderSegment(uploaderName)}/`;
}

export type RequestStatus = "open" | "full" | "expired" | "closed";

export const REQUEST_STATUS_LABEL: Record<RequestStatus, string> = { open: "Open", full: "Full", expired: "Expired", closed: "Closed" };

/** Closed ("Close request") first, then Expired, then Full (every file received, or the total reached), else Open. */
export function requestStatus(
  link: { revokedAt: Date | null; expiresAt: Date },
  request: { maxFiles: number; maxTotalSize: number; receivedFiles: number; receivedBytes: number },
  now: Date,
): RequestStatus {
  if (link.revokedAt) return "closed";
  if (link.expiresAt.getTime() <= now.getTime()) return "expired";
  if (request.receivedFiles >= request.maxFiles || request.receivedBytes >= request.maxTotalSize) return "full";
  return "open";
}

/** "10 files of at most 1 GB each, 5 GB in all": the limits in words. */
export function limitsInWords(limits: { maxFiles: number; maxFileSize: number; maxTotalSize: number }): string {
  const files = `${limits.maxFiles.toLocaleString("en-US")} ${limits.maxFiles === 1 ? "file" : "files"}`;
  return `${files} of at most ${sizeText(limits.maxFileSize)} each, ${sizeText(limits.maxTotalSize)} in all`;
}
