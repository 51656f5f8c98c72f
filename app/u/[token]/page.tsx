import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { RequestUploader } from "@/components/upload-request/request-uploader";
import { UnlockForm } from "@/components/upload-request/unlock-form";
import { loggedUserAgent, recordLinkEvent } from "@/lib/recipient/access-log";
import { clientAddressFromHeaders } from "@/lib/security/client-address";
import { isUnlocked, requestForToken, requestLoggedAddress, requestRefusal } from "@/lib/upload-requests/public";
import { limitsInWords } from "@/lib/upload-requests/rules";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ token: string }> };

/** The locked page's only heading: nothing of the request itself before its password. */
const LOCKED_HEADING = "Files requested";

export const metadata: Metadata = { title: "Send files", robots: { index: false, follow: false } };

/**
 * An upload request's page (/u/<token>): public, no session. proxy.ts has already answered a refused token with its
 * plain page (unknown, closed, expired, full, network) and set this page's CSP to let parts go to the request's
 * storage; the checks are made again here. The uploader sees the title, the message, who asked and the limits,
 * never the bucket, the folder or the storage; with a password, only a generic heading and the form until unlocked.
 */
export default async function UploadRequestPage({ params }: Props) {
  const { token } = await params;
  const found = await requestForToken(token);
  if (!found) notFound();
  const h = await headers();
  const now = new Date();
  const address = clientAddressFromHeaders(h);
  if (requestRefusal(found, now, address)) notFound();
  const unlocked = isUnlocked(found, h.get("cookie"), now);
  recordLinkEvent({
    linkId: found.id,
    outcome: "page_view",
    reason: unlocked ? null : "password_page",
    clientAddress: requestLoggedAddress(found, address),
    userAgent: loggedUserAgent(h.get("user-agent")),
    previewAgent: false,
    at: now,
  });

  // A request with a password says nothing of itself (title, message, who asked, limits) until it is unlocked, as /s/ does.
  if (!unlocked) {
    return (
      <main className="mx-auto max-w-2xl space-y-6 px-4 py-8 sm:py-12">
        <header className="space-y-2">
          <h1 className="text-2xl font-semibold">{LOCKED_HEADING}</h1>
          <p className="text-sm text-muted">Someone asked you for files. Enter the password they gave you to see the request.</p>
        </header>
        <UnlockForm token={token} />
      </main>
    );
  }

  return (
    <main className="mx-auto max-w-2xl space-y-6 px-4 py-8 sm:py-12">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold break-words">{found.title}</h1>
        <p className="text-sm text-muted">
          Requested by <span className="font-medium text-zinc-900 dark:text-zinc-100">{found.requesterName}</span>
        </p>
        {found.message ? <p className="whitespace-pre-line break-words">{found.message}</p> : null}
        <p className="text-sm">{limitsInWords(found.limits)}</p>
      </header>
      <RequestUploader
        token={token}
        requestKey={found.id}
        limits={{ ...found.limits, allowedTypes: [...found.limits.allowedTypes] }}
        askName={found.askName}
        askEmail={found.askEmail}
      />
    </main>
  );
}
