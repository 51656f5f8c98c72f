import "server-only";
import { getRuntimeSecrets } from "@/lib/env";
import { isDatabaseUnavailable } from "@/lib/errors";
import { detectPreviewAgent, type PreviewAgent } from "@/lib/links/preview-agent";
import { hashLinkToken, isWellFormedToken } from "@/lib/links/token";
import { log } from "@/lib/log";
import { loggedAddress, loggedUserAgent, recordLinkEvent, type LinkEventReason, type LinkOutcome } from "@/lib/recipient/access-log";
import { findManagedLink, linkRefusal, type Refusal, type RecipientLink } from "@/lib/recipient/link";
import { plainPage } from "@/lib/recipient/respond";
import { UNLOCK_COOKIE, cookieValues, verifyUnlock } from "@/lib/recipient/unlock-cookie";
import { addressAllowed } from "@/lib/security/cidr";
import { clientAddressFromHeaders, isHttpsRequest } from "@/lib/security/client-address";
import { storageSourcesFor } from "@/lib/security/csp";

/**
 * The one wrapper every recipient route (/s/<token>, /download, /preview, /unlock) goes through, as
 * lib/actions/safe-action.ts is for server actions: a well-formed token, then one indexed look-up
 * (lib/recipient/link.ts), then the link's own checks (network, revoked, expired, limit, object
 * state; the password through the unlock cookie), then the handler. Unknown, malformed and
 * over-long tokens are one 404 page; faults are a plain 500/503 page, never a stack or a raw error.
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
  /** Why the link may not be used now, before the password is considered. */
  refusal: Refusal | null;
  /** True when the link has no password or the request carries a valid unlock cookie. */
  unlocked: boolean;
  /** The link's storage origins for the CSP (previews load from there). */
  storageOrigins: string[];
  /** Cookies set over https (the URL, or a trusted proxy's X-Forwarded-Proto) are Secure. */
  secure: boolean;
  /** Writes an access-log row; `filePath` names the file of a multi-file share ("*" = Download all). */
  log(outcome: LinkOutcome, reason?: LinkEventReason | null, filePath?: string | null): void;
};

type RouteContext = { params: Promise<{ token: string }> };

export function withRecipientLink(handler: (context: RecipientContext) => Promise<Response>) {
  return async function recipientRoute(request: Request, route: RouteContext): Promise<Response> {
    const isHead = request.method === "HEAD";
    try {
      const { token } = await route.params;
      if (!isWellFormedToken(token)) return plainPage("unknown", { head: isHead });
      const link = await findManagedLink(hashLinkToken(token));
      if (!link || link.deletedAt) return plainPage("unknown", { head: isHead });

      const now = new Date();
      const address = clientAddressFromHeaders(request.headers);
      const userAgent = loggedUserAgent(request.headers.get("user-agent"));
      const agent = detectPreviewAgent(userAgent);
      const kept = loggedAddress(address, link.logNetworkOnly);
      const unlocked =
        link.passwordHash === null ||
        cookieValues(request.headers.get("cookie"), UNLOCK_COOKIE).some((value) =>
          verifyUnlock(value, { linkId: link.id, passwordHash: link.passwordHash!, authSecret: getRuntimeSecrets().authSecret, now }),
        );
      return await handler({
        request,
        token,
        link,
        now,
        isHead,
        address,
        loggedAddress: kept,
        userAgent,
        agent,
        refusal: linkRefusal(link, now, addressAllowed(address, link.allowedNetworks)),
        unlocked,
        storageOrigins: link.connection ? storageSourcesFor(link.connection.endpoint) : [],
        secure: isHttpsRequest(request.headers),
        log: (outcome, reason, filePath) =>
          recordLinkEvent({ linkId: link.id, outcome, reason, clientAddress: kept, userAgent, previewAgent: agent.previewAgent, filePath }),
      });
    } catch (error) {
      const unavailable = isDatabaseUnavailable(error);
      log.error("recipient.request_failed", { path: new URL(request.url).pathname.replace(/\/s\/[^/]+/, "/s/[token]"), unavailable, error });
      return plainPage(unavailable ? "down" : "error", { head: isHead });
    }
  };
}
