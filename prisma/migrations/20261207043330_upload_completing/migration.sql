-- upload_completing: written by hand. Keep prisma/schema.prisma unchanged by this migration.
-- An upload the completer has claimed ("completing") keeps holding its key, like one still "uploading", so no second
-- upload of the same object can begin while the first one's object is being written and checked.
DROP INDEX "uploads_uploading_key";
CREATE UNIQUE INDEX "uploads_uploading_key" ON "uploads"("connection_id", "bucket", "key") WHERE "state" IN ('uploading', 'completing');
ALTER TABLE "uploads" DROP CONSTRAINT "uploads_state_check";
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_state_check" CHECK ("state" IN ('uploading', 'completing', 'complete', 'failed', 'aborted'));
