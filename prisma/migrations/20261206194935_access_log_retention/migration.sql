-- CreateIndex
CREATE INDEX "link_events_created_at_idx" ON "link_events"("created_at");
