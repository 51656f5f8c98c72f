import { Logger, runMigrations } from "graphile-worker";

/**
 * Creates or updates the job queue's own schema (graphile_worker: its jobs, queues and the add_job
 * function). Shipped inside the package, so it needs no network; idempotent, and serialised by the
 * queue's own advisory lock. Called by applyMigrations (lib/db/migrate.ts) after the app's migrations,
 * so `npm start`, the tests and the migration CLI all get it. Node-only, no process.env: callers pass the URL.
 */
export async function migrateJobQueue(connectionString: string, log: (line: string) => void = () => {}): Promise<void> {
  const logger = new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") log(`job queue: ${message}`);
  });
  await runMigrations({ connectionString, logger });
}
