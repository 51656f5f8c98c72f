import type { LinkKind } from "@/lib/links/expiry";
import type { FilesSource } from "@/lib/validation/share-files";

/**
 * What issuing a link takes, whichever door the request came through: the dialogs' forms
 * (toShareLinkRequest, toFilesShareRequest) and the API's JSON (toLinkRequest) each convert into
 * these, so the core never sees a form's shape. Dates are dates, lists are lists, "none" is null.
 */

/**
 * When a new link stops working: a duration counted from the second the link is made (and signed),
 * an instant, or never (managed links only). Its limits (at least a minute, 7 days for direct
 * links) are checked when the link is made, against that second.
 */
export type RequestedExpiry = { seconds: number } | { at: Date } | { never: true };

/** The options every managed link has, one file or several. */
type ManagedOptions = {
  downloadLimit: number | null;
  password: string | null;
  /** Canonical CIDR ranges; empty = anywhere. */
  allowedNetworks: string[];
};

/** A link to one object. */
export type ShareLinkRequest = ManagedOptions & {
  connectionId: string;
  bucket: string;
  key: string;
  kind: LinkKind;
  expiry: RequestedExpiry;
  disposition: "inline" | "attachment";
  /** The name to save under; null = the key's last segment. */
  fileName: string | null;
  /** A Content-Type override; null = the object's own. */
  contentType: string | null;
  note: string | null;
  /** Managed links: serve whatever the key holds now instead of refusing once it changed. */
  alwaysLatest: boolean;
  /** The time zone dates in messages are written in. */
  timeZone: string;
};

/** A multi-file share (always a managed link) of a selection or a folder. */
export type FilesShareRequest = FilesSource &
  ManagedOptions & {
    expiry: RequestedExpiry;
    /** null = the folder's name, or "N files". */
    title: string | null;
    note: string | null;
    zipAllowed: boolean;
    timeZone: string;
  };
