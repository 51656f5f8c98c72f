-- CreateIndex
CREATE INDEX "audit_events_team_id_actor_id_kind_created_at_id_idx" ON "audit_events"("team_id", "actor_id", "kind", "created_at" DESC, "id" DESC);
