-- Storage events (/hooks/storage/<connection id>): per connection, the provider that pushes events and its secret.
ALTER TABLE "storage_connections" ADD COLUMN     "events_provider" TEXT,
ADD COLUMN     "events_secret_enc" TEXT;

-- Events already acted on (replays and retries are recognised).
CREATE TABLE "storage_events_seen" (
    "connection_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "storage_events_seen_pkey" PRIMARY KEY ("connection_id","event_id")
);

-- CreateIndex
CREATE INDEX "storage_events_seen_seen_at_idx" ON "storage_events_seen"("seen_at");

-- CreateIndex
CREATE INDEX "share_link_files_key_idx" ON "share_link_files"("key");

-- AddForeignKey
ALTER TABLE "storage_events_seen" ADD CONSTRAINT "storage_events_seen_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "storage_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
