-- AlterTable
ALTER TABLE "share_links" ADD COLUMN     "file_count" INTEGER,
ADD COLUMN     "target" TEXT NOT NULL DEFAULT 'object',
ADD COLUMN     "title" TEXT,
ADD COLUMN     "zip_allowed" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "link_events" ADD COLUMN     "file_path" TEXT;

-- CreateTable
CREATE TABLE "share_link_files" (
    "id" BIGSERIAL NOT NULL,
    "link_id" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "etag" TEXT,
    "version_id" TEXT,
    "content_type" TEXT,
    "state" TEXT,

    CONSTRAINT "share_link_files_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "share_link_files_link_id_path_key" ON "share_link_files"("link_id", "path");

-- AddForeignKey
ALTER TABLE "share_link_files" ADD CONSTRAINT "share_link_files_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "share_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;
