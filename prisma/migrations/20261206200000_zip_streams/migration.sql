-- CreateTable
CREATE TABLE "zip_streams" (
    "id" TEXT NOT NULL,
    "link_id" TEXT NOT NULL,
    "address_hash" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ends_by" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "zip_streams_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "zip_streams_link_id_address_hash_idx" ON "zip_streams"("link_id", "address_hash");

-- AddForeignKey
ALTER TABLE "zip_streams" ADD CONSTRAINT "zip_streams_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "share_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;
