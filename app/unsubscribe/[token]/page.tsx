import type { Metadata } from "next";
import { maskEmail, readUnsubscribeToken } from "@/lib/notifications/unsubscribe";

export const metadata: Metadata = { title: "Unsubscribe · Bucketshare", robots: { index: false } };

/** Needs no sign-in. Showing it changes nothing: the button's POST unsubscribes (…/confirm). */
export default async function UnsubscribePage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ done?: string }> }) {
  const { token } = await params;
  const { done } = await searchParams;
  const target = await readUnsubscribeToken(token);
  return (
    <main className="mx-auto max-w-md space-y-4 p-8">
      <h1 className="text-xl font-semibold">Unsubscribe</h1>
      {!target ? (
        <p role="alert">
          This unsubscribe link is not valid. It may have been changed or cut short: use the link from the e-mail as it is, or change your notifications in
          Settings → Notifications.
        </p>
      ) : done === "1" ? (
        <p role="status">
          You are unsubscribed from “{target.what}” e-mails for {maskEmail(target.email)}. You can turn them back on in Settings → Notifications.
        </p>
      ) : (
        <>
          <p>
            Stop “{target.what}” notifications for {maskEmail(target.email)}?
          </p>
          <form method="post" action={`/unsubscribe/${encodeURIComponent(token)}/confirm`}>
            <button type="submit" className="rounded bg-zinc-900 px-4 py-2 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900">
              Unsubscribe
            </button>
          </form>
        </>
      )}
    </main>
  );
}
