-- CreateTable
CREATE TABLE "sessions" (
    "id_hash" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id_hash")
);

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE INDEX "sign_in_failures_email_client_address_created_at_idx" ON "sign_in_failures"("email", "client_address", "created_at");

-- CreateIndex
CREATE INDEX "sign_in_failures_created_at_idx" ON "sign_in_failures"("created_at");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Link status (lib/links/status.ts): "Expires soon" once less than a quarter of the link's life is
-- left, and at most in its last hour. expires_soon_at is when that begins; recompute it for
-- existing links so the status filters stay range queries on the same indexes.
UPDATE "share_links"
SET "expires_soon_at" = "expires_at" - LEAST(INTERVAL '1 hour', ("expires_at" - "created_at") / 4);
