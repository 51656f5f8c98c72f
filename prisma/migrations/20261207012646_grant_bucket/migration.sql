-- AlterTable
ALTER TABLE "member_grants" ADD COLUMN     "bucket" TEXT;

-- A bucket name: not empty, no "/" (null: every bucket of the connection).
ALTER TABLE "member_grants" ADD CONSTRAINT "member_grants_bucket_check"
  CHECK ("bucket" IS NULL OR ("bucket" <> '' AND length("bucket") <= 255 AND position('/' in "bucket") = 0));
