/** The names the job queue knows tasks and unique jobs by (lib/jobs/tasks.ts runs them). */
export const WEBHOOK_DELIVERY_TASK = "webhooks:deliver";
export const DIGEST_TASK = "upload_requests:digests";
export const DIGEST_JOB_KEY = "upload_requests:digests";
/** One pass of the link health checker a minute (several instances: each claims its own links). */
export const HEALTH_CHECK_TASK = "links:health_check";
/** The health checker's passes run one at a time across all instances (a named queue): one pace per connection. */
export const HEALTH_CHECK_QUEUE = "links:health_check";
/** "Links that broke": one notice for one person's links a health pass found newly broken. */
export const BROKEN_TASK = "links:broken";

/**
 * The tasks that send e-mail run in one named queue, one at a time across instances: an SMTP server
 * that hangs holds up only the e-mails (each send is bounded), never webhook deliveries or health passes.
 */
export const MAIL_QUEUE = "mail";
export const MAIL_TASKS: ReadonlySet<string> = new Set([
  DIGEST_TASK,
  BROKEN_TASK,
  "links:expiring_reminders",
  "notifications:daily_digest",
  "notifications:downloads",
]);

export function deliveryJobKey(id: bigint | string): string {
  return `webhook-delivery:${id}`;
}
