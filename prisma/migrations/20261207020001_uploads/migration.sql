-- AlterTable
ALTER TABLE "member_grants" ADD COLUMN     "can_upload" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "uploads" (
    "id" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "uploaded_by" TEXT,
    "connection_id" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "content_type" TEXT,
    "part_size" INTEGER NOT NULL,
    "part_count" INTEGER NOT NULL,
    "multipart_id" TEXT,
    "state" TEXT NOT NULL DEFAULT 'uploading',
    "failure" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "uploads_state_expires_at_idx" ON "uploads"("state", "expires_at");

-- CreateIndex
CREATE INDEX "uploads_owner_id_created_at_idx" ON "uploads"("owner_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "uploads_connection_id_idx" ON "uploads"("connection_id");

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_uploaded_by_fkey" FOREIGN KEY ("uploaded_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "storage_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One upload at a time per object: an "uploading" row holds its key until it completes, fails or is aborted.
CREATE UNIQUE INDEX "uploads_uploading_key" ON "uploads"("connection_id", "bucket", "key") WHERE "state" = 'uploading';
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_state_check" CHECK ("state" IN ('uploading', 'complete', 'failed', 'aborted'));
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_parts_check" CHECK ("size" >= 0 AND "part_size" > 0 AND "part_count" >= 1 AND "part_count" <= 10000);
