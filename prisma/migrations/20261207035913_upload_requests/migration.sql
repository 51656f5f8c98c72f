-- AlterTable
ALTER TABLE "member_grants" ADD COLUMN     "can_request" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "uploads" ADD COLUMN     "detected_type" TEXT,
ADD COLUMN     "file_name" TEXT,
ADD COLUMN     "notified_at" TIMESTAMP(3),
ADD COLUMN     "request_id" TEXT,
ADD COLUMN     "secret_hash" TEXT,
ADD COLUMN     "uploader_address" TEXT,
ADD COLUMN     "uploader_email" TEXT,
ADD COLUMN     "uploader_name" TEXT;

-- CreateTable
CREATE TABLE "upload_requests" (
    "link_id" TEXT NOT NULL,
    "message" TEXT,
    "max_files" INTEGER NOT NULL,
    "max_file_size" BIGINT NOT NULL,
    "max_total_size" BIGINT NOT NULL,
    "allowed_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "ask_name" BOOLEAN NOT NULL DEFAULT false,
    "ask_email" BOOLEAN NOT NULL DEFAULT false,
    "folder_per_uploader" BOOLEAN NOT NULL DEFAULT false,
    "reserved_files" INTEGER NOT NULL DEFAULT 0,
    "reserved_bytes" BIGINT NOT NULL DEFAULT 0,
    "received_files" INTEGER NOT NULL DEFAULT 0,
    "received_bytes" BIGINT NOT NULL DEFAULT 0,
    "last_upload_at" TIMESTAMP(3),

    CONSTRAINT "upload_requests_pkey" PRIMARY KEY ("link_id")
);

-- CreateIndex
CREATE INDEX "uploads_request_id_created_at_idx" ON "uploads"("request_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "share_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "upload_requests" ADD CONSTRAINT "upload_requests_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "share_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An upload request's counters never go negative; its limits are positive. (Reserving checks the limits in its own
-- conditional UPDATE, so an Owner may lower a limit below what is already held: the request is then Full.)
ALTER TABLE "upload_requests" ADD CONSTRAINT "upload_requests_counts_check" CHECK (
  "reserved_files" >= 0 AND "reserved_bytes" >= 0 AND "received_files" >= 0 AND "received_bytes" >= 0
  AND "max_files" > 0 AND "max_file_size" > 0 AND "max_total_size" > 0
);
-- The requester's batched e-mail: received files not yet named in one.
CREATE INDEX "uploads_unnotified_idx" ON "uploads"("request_id") WHERE "state" = 'complete' AND "notified_at" IS NULL;
