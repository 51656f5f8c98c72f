import type { LinkEventReason } from "@/lib/recipient/access-log";
import type { RecipientLink } from "@/lib/recipient/link";
import type { PlainPage } from "@/lib/recipient/respond";

/**
 * What each recipient route asks of withRecipientLink before its handler runs, side by side so the
 * routes can be compared at a glance. The wrapper applies them in one order: the allowed networks
 * (nothing at all for anyone outside them, preview agents included), preview agent, the link's
 * other checks, password, offered, HEAD, the download button, file/pin.
 */
export type RecipientPolicy = {
  /** Link-preview agents (chat apps, mail scanners) get the title card or the plain "No preview" page, logged as a page view with this reason. */
  previewAgent: { answer: "titleCard" | "noPreview"; reason: LinkEventReason | null };
  /** Without the unlock cookie: the password page (401), or the handler (the password form's own POST). */
  locked: "passwordPage" | "handler";
  /** HEAD: the handler answers it without a body, or the wrapper answers with the status a GET would start from (never a Location). */
  head: "handler" | "status";
  /**
   * The shared object of a single-file link: looked at again only when an earlier check marked it
   * (the page: a restored file works again), always (a download), or a mark refuses outright and an
   * unmarked pinned object is looked at (a preview).
   */
  pin: "ifMarked" | "always" | "markRefuses" | "none";
  /** ?path= names one file of a multi-file share: looked up in the snapshot and checked against storage. */
  file?: boolean;
  /** The file path every log row of this route names ("*" = Download all). */
  filePath?: "*";
  /** A counted download: on a link with a download limit only a POST (the Download button) counts; a GET gets the button. */
  counts?: boolean;
  /** What the route needs the link to offer, else the plain page it answers (after the link's own checks). */
  offered?: (link: RecipientLink) => PlainPage | null;
};

/** GET /s/<token>: the recipient page. */
export const RECIPIENT_PAGE: RecipientPolicy = {
  previewAgent: { answer: "titleCard", reason: null },
  locked: "passwordPage",
  head: "handler",
  pin: "ifMarked",
};

/** The query parameter of "Open" (/s/<token>/download?open=1): the file shown in the browser, counted like a download. */
export const OPEN_PARAM = "open";

/** Whether a request asks for "Open": exactly `?open=1`, the one form the download fast path also serves. */
export function asksToOpen(url: URL): boolean {
  // Most requests have no query at all: answered without building its URLSearchParams.
  return url.search !== "" && url.searchParams.get(OPEN_PARAM) === "1";
}

/** /s/<token>/download (?path= for one file of a share, ?open=1 for "Open"): the request that counts. */
export const DOWNLOAD: RecipientPolicy = {
  previewAgent: { answer: "titleCard", reason: "preview_agent" },
  locked: "passwordPage",
  head: "status",
  pin: "always",
  file: true,
  counts: true,
};

/**
 * /s/<token>/preview: never counted, so a link with a download limit previews nothing (every
 * preview would hand over the whole file), and HEAD gets no presigned Location.
 */
export const PREVIEW: RecipientPolicy = {
  previewAgent: { answer: "noPreview", reason: "preview_agent" },
  locked: "passwordPage",
  head: "status",
  pin: "markRefuses",
  file: true,
  offered: (link) => (link.downloadLimit !== null ? "noPreview" : null),
};

/** /s/<token>/zip: Download all of a multi-file share, counted as one download ("*"). */
export const DOWNLOAD_ALL: RecipientPolicy = {
  previewAgent: { answer: "titleCard", reason: "preview_agent" },
  locked: "passwordPage",
  head: "status",
  pin: "none",
  filePath: "*",
  counts: true,
  offered: (link) => (link.target === "files" && link.zipAllowed ? null : "noZip"),
};

/** POST /s/<token>/unlock: the password form; the link's own checks first, the password is the handler's. */
export const UNLOCK: RecipientPolicy = {
  previewAgent: { answer: "noPreview", reason: "preview_agent" },
  locked: "handler",
  head: "handler",
  pin: "none",
};
