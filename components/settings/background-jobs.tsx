import { RelativeTime } from "@/components/ui/relative-time";
import type { BackgroundJobsOverview } from "@/lib/jobs/overview";

/** What each job is for, in the words of the pages that show its effect. */
const KIND_LABELS: Record<string, string> = {
  "webhooks:deliver": "Webhook delivery",
  "webhooks:queue_overdue": "Webhook catch-up",
  "webhooks:prune": "Old webhook deliveries removed",
  "uploads:cleanup": "Unfinished uploads cleaned up",
  "upload_requests:digests": "Upload request e-mails",
  "links:prune_access_log": "Access log retention",
  "audit:prune": "Audit log retention",
  "auth:prune_failures": "Old sign-in failures removed",
  "api:prune_idempotency_keys": "Old API idempotency keys removed",
  "jobs:prune_failed": "Old failed jobs removed",
  "storage_events:prune": "Old storage events forgotten",
};

export function BackgroundJobs({ overview, now }: { overview: BackgroundJobsOverview; now: Date }) {
  const failedKinds = overview.kinds.filter((k) => k.failedLastDay > 0);
  return (
    <section aria-labelledby="background-jobs-heading" className="space-y-4">
      <h2 id="background-jobs-heading" className="text-lg font-semibold">
        Background jobs
      </h2>
      <p className="text-sm text-muted">
        Link health checks, reminders and digests, webhook deliveries, upload e-mails, clean-up and pruning run on a job queue in the database: each job runs
        once across instances, and a failed job is tried again after a growing pause.
      </p>
      <dl className="grid grid-cols-3 gap-4 sm:max-w-md">
        <div>
          <dt className="text-sm text-muted">Queued</dt>
          <dd className="text-2xl font-semibold tabular-nums">{overview.queued}</dd>
        </div>
        <div>
          <dt className="text-sm text-muted">Running</dt>
          <dd className="text-2xl font-semibold tabular-nums">{overview.running}</dd>
        </div>
        <div>
          <dt className="text-sm text-muted">Failed in the last day</dt>
          <dd className="text-2xl font-semibold tabular-nums">{overview.failedLastDay}</dd>
        </div>
      </dl>
      <section aria-labelledby="failed-jobs-heading" className="space-y-2">
        <h3 id="failed-jobs-heading" className="text-base font-semibold">
          Failures in the last day
        </h3>
        {failedKinds.length === 0 ? (
          <p className="text-sm text-muted">No job failed in the last day.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
            <table className="w-full text-left text-sm">
              <thead className="bg-zinc-50 text-xs uppercase text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Job
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Failures
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Last failed
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Last error
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {failedKinds.map((k) => (
                  <tr key={k.kind}>
                    <td className="px-3 py-2">{KIND_LABELS[k.kind] ?? k.kind}</td>
                    <td className="px-3 py-2 tabular-nums">{k.failedLastDay}</td>
                    <td className="whitespace-nowrap px-3 py-2">{k.lastFailedAt ? <RelativeTime date={k.lastFailedAt} now={now} /> : "—"}</td>
                    <td className="max-w-md break-words px-3 py-2">{k.lastError ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
