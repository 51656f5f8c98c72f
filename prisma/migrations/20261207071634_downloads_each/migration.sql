-- CreateIndex
CREATE INDEX "share_links_issued_by_last_access_at_idx" ON "share_links"("issued_by", "last_access_at");
