-- AlterTable
ALTER TABLE "users" ADD COLUMN     "downloads_digest_at" TIMESTAMP(3),
ADD COLUMN     "notify_broken" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "notify_by_email" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "notify_by_webhook" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "notify_downloads" TEXT NOT NULL DEFAULT 'off',
ADD COLUMN     "notify_expiring" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "notify_expiring_days" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "notify_uploads" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "share_links" ADD COLUMN     "expiry_reminded_at" TIMESTAMP(3),
ADD COLUMN     "replaced_by" TEXT;

-- CreateIndex
CREATE INDEX "share_links_expires_at_idx" ON "share_links"("expires_at");
