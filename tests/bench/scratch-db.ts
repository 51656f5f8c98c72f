/**
 * What the database benches (bench:links, bench:audit) share: an embedded PostgreSQL of their own in a temporary
 * folder, migrated, removed when the bench ends; and the entry point that exits 0 or prints why it failed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";

export async function withScratchPostgres(name: string, run: (url: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `bucketshare-bench-${name}-`));
  const postgres = await startEmbeddedPostgres({ dataDir: join(dir, "postgres") });
  try {
    await applyMigrations(postgres.url);
    await run(postgres.url);
  } finally {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench:${name} failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
