import "server-only";
import { db } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { isDatabaseUnavailable } from "@/lib/errors";
import { detectPreviewAgent, type PreviewAgent } from "@/lib/links/preview-agent";
import { hashLinkToken, isWellFormedToken } from "@/lib/links/token";
import { openedFileType, openedType } from "@/lib/links/served-type";
import { requestUrl } from "@/lib/http/request-url";
import { log } from "@/lib/log";
import { loggedAddress, loggedUserAgent, recordLinkEvent, type LinkEventReason, type LinkOutcome } from "@/lib/recipient/access-log";
import { countDownload } from "@/lib/recipient/count";
import { getShareFile, markShareFile, type ShareFile } from "@/lib/recipient/files";
import { confirmDownloadPage } from "@/lib/recipient/html/templates";
import { findManagedLink, linkRefusal, type Refusal, type RecipientLink } from "@/lib/recipient/link";
import { checkObjectPin, sharedObjectOf } from "@/lib/recipient/object";
import { recipientPageContext } from "@/lib/recipient/page-context";
import { passwordResponse, titleCardResponse } from "@/lib/recipient/pages";
import { pinRefusal } from "@/lib/recipient/pin-check";
import { asksToOpen, type RecipientPolicy } from "@/lib/recipient/policies";
import { htmlResponse, plainPage } from "@/lib/recipient/respond";
import { shareTitle } from "@/lib/recipient/share-paths";
import { UNLOCK_COOKIE, cookieValues, verifyUnlock } from "@/lib/recipient/unlock-cookie";
import { addressAllowed } from "@/lib/security/cidr";
import { clientAddressFromHeaders, isHttpsRequest } from "@/lib/security/client-address";
import { storageSourcesFor } from "@/lib/security/csp";

/**
 * The one wrapper every recipient route (/s/<token>, /download, /preview, /zip, /unlock) goes
 * through, as the action wrapper is for server actions: a well-formed token, one indexed
 * look-up, then every access decision in one order, driven by the route's policy
 * (RecipientPolicy): the allowed networks, preview agents, the link's other checks (revoked, expired,
 * limit), the password (unlock cookie), what the route needs the link to offer, HEAD, the POST
 * that a download limit asks for, the object (pin) or the requested file of a share (snapshot).
 * The handler starts only once access is granted. Unknown, malformed and over-long tokens are one
 * 404 page; faults are a plain 500/503 page, never a stack or a raw error.
 */

export type RecipientContext = {
  request: Request;
  token: string;
  link: RecipientLink;
  now: Date;
  isHead: boolean;
  /** The client's address (TRUSTED_PROXIES rules) and the form the access log keeps. */
  address: string;
  loggedAddress: string;
  userAgent: string | null;
  agent: PreviewAgent;
  /** True when the link has no password or the request carries a valid unlock cookie. */
  unlocked: boolean;
  /** The file of a multi-file share the request names (?path=), checked against its snapshot; null otherwise. */
  file: ShareFile | null;
  /** The link's storage origins for the CSP (previews load from there). */
  storageOrigins: string[];
  /** Cookies set over https (the URL, or a trusted proxy's X-Forwarded-Proto) are Secure. */
  secure: boolean;
  /** Writes an access-log row; the file path is the policy's ("*" = Download all) or the requested file's. */
  log(outcome: LinkOutcome, reason?: LinkEventReason | null, filePath?: string | null): void;
  /**
   * Counts one download (one conditional UPDATE): null when counted,
   * else the refusal (revoked, expired or at the limit since the look-up), logged.
   */
  count(): Promise<Response | null>;
};

export type RecipientHandler = (context: RecipientContext) => Promise<Response>;

type RouteContext = { params: Promise<{ token: string }> };

const storageOrigins = (link: RecipientLink) => (link.connection ? storageSourcesFor(link.connection.endpoint) : []);

/** Why the link refuses now, read again after a count did not match (the first look-up is older). */
async function refusalAfterCount(link: RecipientLink): Promise<Refusal> {
  const current = await db.shareLink.findUnique({
    where: { id: link.id },
    select: { revokedAt: true, expiresAt: true, neverExpires: true, downloadLimit: true, downloadCount: true },
  });
  return current ? (linkRefusal({ ...link, ...current }, new Date(), true) ?? "limit") : "revoked";
}

/** The requested file still as its snapshot has it (a stale mark is cleared), else why not (marked). */
async function fileRefusal(link: RecipientLink, file: ShareFile): Promise<"changed" | "missing" | "unavailable" | null> {
  let decision: Awaited<ReturnType<typeof checkObjectPin>>;
  try {
    decision = await checkObjectPin(link, sharedObjectOf(file));
  } catch (error) {
    log.warn("recipient.pin_check_failed", { linkId: link.id, error });
    return "unavailable";
  }
  const state = decision.ok ? null : decision.state;
  if (state !== file.state) {
    await markShareFile(link.id, file.path, state).catch((error: unknown) => log.error("recipient.object_state_not_saved", { linkId: link.id, error }));
  }
  return state;
}

async function decide(policy: RecipientPolicy, handler: RecipientHandler, request: Request, token: string, link: RecipientLink): Promise<Response> {
  const isHead = request.method === "HEAD";
  const now = new Date();
  const address = clientAddressFromHeaders(request.headers);
  const userAgent = loggedUserAgent(request.headers.get("user-agent"));
  const agent = detectPreviewAgent(userAgent);
  const kept = loggedAddress(address, link.logNetworkOnly);
  const refusal = linkRefusal(link, now, addressAllowed(address, link.allowedNetworks));
  const unlocked =
    link.passwordHash === null ||
    cookieValues(request.headers.get("cookie"), UNLOCK_COOKIE).some((value) =>
      verifyUnlock(value, { linkId: link.id, passwordHash: link.passwordHash!, authSecret: getRuntimeSecrets().authSecret, now }),
    );
  let loggedPath: string | null = policy.filePath ?? null;
  const write = (outcome: LinkOutcome, reason?: LinkEventReason | null, filePath?: string | null) =>
    recordLinkEvent({
      linkId: link.id,
      outcome,
      reason,
      clientAddress: kept,
      userAgent,
      previewAgent: agent.previewAgent,
      filePath: filePath === undefined ? loggedPath : filePath,
      at: now,
    });
  // A HEAD is answered like the GET it stands for, but never logged as a refusal.
  const refuse = (page: Parameters<typeof plainPage>[0], reason: LinkEventReason | null) => {
    if (!isHead && reason) write("refused", reason);
    return plainPage(page, request, { head: isHead });
  };

  // Outside the allowed networks nobody learns anything about the link, a preview agent neither:
  // refused (and logged so) before the title card.
  if (refusal === "network") return refuse(refusal, refusal);
  if (agent.previewAgent) {
    if (!isHead) write("page_view", policy.previewAgent.reason);
    return policy.previewAgent.answer === "titleCard" ? titleCardResponse(request, link, refusal, isHead) : plainPage("noPreview", request, { head: isHead });
  }
  if (refusal) return refuse(refusal, refusal);
  if (!unlocked && policy.locked === "passwordPage") {
    // Being asked for the password is not a refusal: the owner's log says "Asked for the password".
    if (!isHead) write("page_view", "password_page");
    return passwordResponse({ request, token, link, isHead });
  }
  const notOffered = policy.offered?.(link);
  if (notOffered) return plainPage(notOffered, request, { head: isHead });
  if (isHead && policy.head === "status") {
    // curl -I, link checkers: the status a GET would start from, no Location, nothing counted.
    write("page_view", "head");
    return plainPage("ready", request, { head: true });
  }

  let file: ShareFile | null = null;
  if (policy.file && link.target === "files") {
    const path = requestUrl(request).searchParams.get("path");
    file = path ? await getShareFile(link.id, path) : null;
    if (!file) return plainPage("unknownFile", request, { head: isHead });
    loggedPath = file.path;
  }
  const url = requestUrl(request);
  // "Open" (?open=1) for something that cannot be shown in the browser: the same page whether or not a download
  // limit asks for a confirming POST first, and nothing counted.
  const opens = asksToOpen(url);
  if (policy.file && opens && !(file ? openedFileType(file) : openedType(link))) return plainPage("noPreview", request, { head: isHead });
  if (policy.counts && link.downloadLimit !== null && request.method !== "POST") {
    // A mail scanner following the link must not use up a limited download: only the button's POST counts.
    write("page_view", null);
    const name = file ? file.path : link.target === "files" ? `${shareTitle(link)}.zip` : link.fileName;
    const formOrigins = link.target === "object" || file ? storageOrigins(link) : [];
    const label = policy.file && opens ? "open" : "download";
    const page = await recipientPageContext(request);
    return htmlResponse(confirmDownloadPage(page, { action: url.pathname + url.search, name, label }), 200, { page, head: isHead, formOrigins });
  }
  if (file) {
    const state = await fileRefusal(link, file);
    if (state === "unavailable") return plainPage("unavailable", request, { head: isHead });
    if (state) return refuse(state, state);
  } else if (link.target === "object" && policy.pin !== "none") {
    // A mark left by an earlier check: the preview refuses at once; the page and the download look again.
    if (policy.pin === "markRefuses" && link.objectState) {
      const state = link.objectState === "missing" ? "missing" : "changed";
      return refuse(state, state);
    }
    const look = policy.pin === "ifMarked" ? link.pinned && link.objectState !== null : true;
    if (look) {
      const pinned = await pinRefusal({ request, link, isHead, log: write }, { trustMarkOnFault: policy.pin === "ifMarked" });
      if (pinned) return pinned;
    }
  }

  return handler({
    request,
    token,
    link,
    now,
    isHead,
    address,
    loggedAddress: kept,
    userAgent,
    agent,
    unlocked,
    file,
    // Only pages name the storage host (their CSP): not worked out for a download's redirect.
    get storageOrigins() {
      return storageOrigins(link);
    },
    get secure() {
      return isHttpsRequest(request.headers);
    },
    log: write,
    async count() {
      const counted = await countDownload({ linkId: link.id, clientAddress: kept, userAgent, filePath: loggedPath });
      if (counted) return null;
      const reason = await refusalAfterCount(link);
      write("refused", reason);
      return plainPage(reason, request);
    },
  });
}

export function withRecipientLink(policy: RecipientPolicy, handler: RecipientHandler) {
  return async function recipientRoute(request: Request, route: RouteContext): Promise<Response> {
    const isHead = request.method === "HEAD";
    try {
      const { token } = await route.params;
      if (!isWellFormedToken(token)) return plainPage("unknown", request, { head: isHead });
      const link = await findManagedLink(hashLinkToken(token));
      if (!link || link.deletedAt) return plainPage("unknown", request, { head: isHead });
      return await decide(policy, handler, request, token, link);
    } catch (error) {
      const unavailable = isDatabaseUnavailable(error);
      log.error("recipient.request_failed", { path: new URL(request.url).pathname.replace(/\/s\/[^/]+/, "/s/[token]"), unavailable, error });
      return plainPage(unavailable ? "down" : "error", request, { head: isHead });
    }
  };
}
