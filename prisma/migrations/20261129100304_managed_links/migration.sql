-- AlterTable
ALTER TABLE "users" ADD COLUMN     "log_network_only" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "webhook_secret_enc" TEXT,
ADD COLUMN     "webhook_url" TEXT;

-- AlterTable
ALTER TABLE "share_links" ADD COLUMN     "allowed_networks" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "download_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "download_limit" INTEGER,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'direct',
ADD COLUMN     "last_access_at" TIMESTAMP(3),
ADD COLUMN     "never_expires" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "object_state" TEXT,
ADD COLUMN     "object_version_id" TEXT,
ADD COLUMN     "password_hash" TEXT,
ADD COLUMN     "pinned" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "revoked_at" TIMESTAMP(3),
ADD COLUMN     "token_hash" TEXT;

-- CreateTable
CREATE TABLE "link_events" (
    "id" BIGSERIAL NOT NULL,
    "link_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "client_address" TEXT,
    "user_agent" TEXT,
    "preview_agent" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "link_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "owner_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3),
    "delivered_at" TIMESTAMP(3),
    "failed_at" TIMESTAMP(3),
    "last_status" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "link_events_link_id_created_at_id_idx" ON "link_events"("link_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "webhook_deliveries_next_attempt_at_idx" ON "webhook_deliveries"("next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_owner_id_created_at_idx" ON "webhook_deliveries"("owner_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "share_links_token_hash_key" ON "share_links"("token_hash");

-- CreateIndex
CREATE INDEX "share_links_owner_id_kind_created_at_id_idx" ON "share_links"("owner_id", "kind", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "share_links_connection_id_bucket_key_idx" ON "share_links"("connection_id", "bucket", "key");

-- AddForeignKey
ALTER TABLE "link_events" ADD CONSTRAINT "link_events_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "share_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
