import { CheckNowButton } from "@/components/links/check-now-button";
import { HealthMark } from "@/components/links/health-mark";
import { RelativeTime } from "@/components/ui/relative-time";
import type { HealthDetail } from "@/lib/health/checker";
import { HEALTH_LABELS } from "@/lib/health/outcome";
import type { LinkHealth } from "@/lib/health/history";

/** Why a check came out as it did, in words (lib/health/outcome.ts HealthCause). */
const CAUSE: Record<string, string> = {
  found: "The object is there, as shared",
  etag_changed: "The object was replaced (another ETag)",
  version_changed: "A newer version of the object is current",
  no_such_key: "No object at this key",
  no_such_bucket: "The bucket is gone",
  access_denied: "Storage refused access",
  bad_credentials: "Storage refused the connection's key (rotated or wrong)",
  expired_credentials: "The connection's temporary credentials ended",
  throttled: "Storage asked to slow down",
  server_error: "Storage answered with an error",
  timeout: "Storage did not answer in time",
  network: "Storage could not be reached",
  unexpected_answer: "Storage gave an unexpected answer",
  credentials_end_first: "Signed with temporary credentials that end before the link does",
};

function causeOf(detail: HealthDetail | null): string {
  if (!detail) return "—";
  const words = CAUSE[detail.cause] ?? detail.cause;
  const files = detail.files ? ` (${detail.files.checked} ${detail.files.checked === 1 ? "file" : "files"} checked)` : "";
  return `${words}${files}`;
}

/** /links/<id>: the link's health now, "Check now" (for who may act on it), and its last checks. */
export function HealthHistory({ id, health, now, canCheck }: { id: string; health: LinkHealth; now: Date; canCheck: boolean }) {
  return (
    <section aria-labelledby="link-health-title" className="space-y-3">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <h2 id="link-health-title" className="text-lg font-semibold">
            Health
          </h2>
          <HealthMark health={health.health} checkedAt={health.checkedAt} trueEnd={health.detail?.trueEnd} now={now} />
          {health.health ? <p className="text-sm text-muted">{causeOf(health.detail)}</p> : null}
        </div>
        {canCheck ? <CheckNowButton id={id} /> : null}
      </div>
      {health.checks.length === 0 ? (
        <p className="text-sm text-muted">No health checks yet: links are checked in the background, or now with Check now.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">Health history, newest first</caption>
            <thead>
              <tr className="border-b border-zinc-200 text-left text-xs text-muted dark:border-zinc-800">
                <th scope="col" className="py-2 pr-4 font-medium">
                  Checked
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Outcome
                </th>
                <th scope="col" className="py-2 font-medium">
                  Why
                </th>
              </tr>
            </thead>
            <tbody>
              {health.checks.map((check) => (
                <tr key={check.id} className="border-b border-zinc-100 dark:border-zinc-900">
                  <td className="py-2 pr-4">
                    <RelativeTime date={check.checkedAt} now={now} />
                  </td>
                  <td className="py-2 pr-4 font-medium">{HEALTH_LABELS[check.outcome]}</td>
                  <td className="py-2">{causeOf(check.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
