-- link_events_partitioned: written by hand. The access log (link_events) becomes partitioned by month
-- (PARTITION BY RANGE (created_at)), with its rows, ids, defaults, indexes and foreign key kept:
-- - the old table is renamed away, the partitioned one made with the same columns; its primary key
--   is (id, created_at) (a partitioned table's unique keys contain the partition key); ids still
--   come from the same sequence (link_events_id_seq, now owned by the new table);
-- - one partition per month, named link_events_pYYYYMM, FROM the month's first instant TO the next
--   month's (UTC, as Prisma writes TIMESTAMP(3)), from the month of the oldest row (at most 25
--   months back: older rows land in DEFAULT, which retention empties) through two months ahead;
--   later months are made ahead by lib/links/access-log-partitions.ts (the hourly access-log job);
-- - link_events_default catches a row whose month has no partition yet (a gap); the same job moves
--   such rows into their month's new partition;
-- - indexes are built after the copy (faster than row by row), on the parent: each partition gets
--   its own (link_id, created_at DESC, id DESC) and (created_at).
-- The whole migration is one transaction (lib/db/migrate.ts): a failure leaves the old table.

ALTER TABLE "link_events" RENAME TO "link_events_unpartitioned";
ALTER TABLE "link_events_unpartitioned" RENAME CONSTRAINT "link_events_pkey" TO "link_events_unpartitioned_pkey";
ALTER TABLE "link_events_unpartitioned" RENAME CONSTRAINT "link_events_link_id_fkey" TO "link_events_unpartitioned_link_id_fkey";
ALTER INDEX "link_events_link_id_created_at_id_idx" RENAME TO "link_events_unpartitioned_link_id_created_at_id_idx";
ALTER INDEX "link_events_created_at_idx" RENAME TO "link_events_unpartitioned_created_at_idx";

CREATE TABLE "link_events" (
    "id" BIGINT NOT NULL DEFAULT nextval('"link_events_id_seq"'::regclass),
    "link_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "client_address" TEXT,
    "user_agent" TEXT,
    "preview_agent" BOOLEAN NOT NULL DEFAULT false,
    "file_path" TEXT,

    CONSTRAINT "link_events_pkey" PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");

ALTER SEQUENCE "link_events_id_seq" OWNED BY "link_events"."id";

DO $$
DECLARE
  this_month timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
  month timestamp := greatest(
    date_trunc('month', coalesce((SELECT min("created_at") FROM "link_events_unpartitioned"), now() AT TIME ZONE 'UTC')),
    date_trunc('month', now() AT TIME ZONE 'UTC') - interval '25 months');
BEGIN
  WHILE month <= this_month + interval '2 months' LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "link_events" FOR VALUES FROM (%L) TO (%L)',
                   'link_events_p' || to_char(month, 'YYYYMM'), month, month + interval '1 month');
    month := month + interval '1 month';
  END LOOP;
END $$;

CREATE TABLE "link_events_default" PARTITION OF "link_events" DEFAULT;

INSERT INTO "link_events" ("id", "link_id", "created_at", "outcome", "reason", "client_address", "user_agent", "preview_agent", "file_path")
SELECT "id", "link_id", "created_at", "outcome", "reason", "client_address", "user_agent", "preview_agent", "file_path"
  FROM "link_events_unpartitioned";

DROP TABLE "link_events_unpartitioned";

-- /links/<id> "Access log": newest first, keyset on (created_at, id)
CREATE INDEX "link_events_link_id_created_at_id_idx" ON "link_events"("link_id", "created_at" DESC, "id" DESC);
-- retention: the boundary month's (and DEFAULT's) rows past ACCESS_LOG_RETENTION_DAYS
CREATE INDEX "link_events_created_at_idx" ON "link_events"("created_at");

ALTER TABLE "link_events" ADD CONSTRAINT "link_events_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "share_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;
