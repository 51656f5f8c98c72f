-- The column holds more than emails (setup-code:, current-password:<user>, link-password:<link>).
-- Renamed in place, with its indexes, so failures recorded before the upgrade keep counting.

-- AlterTable
ALTER TABLE "sign_in_failures" RENAME COLUMN "email" TO "subject";

-- RenameIndex
ALTER INDEX "sign_in_failures_email_created_at_idx" RENAME TO "sign_in_failures_subject_created_at_idx";

-- RenameIndex
ALTER INDEX "sign_in_failures_email_client_address_created_at_idx" RENAME TO "sign_in_failures_subject_client_address_created_at_idx";
