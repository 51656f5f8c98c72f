-- AlterTable
ALTER TABLE "users" ADD COLUMN     "removed_at" TIMESTAMP(3),
ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'owner',
ADD COLUMN     "team_id" TEXT;

-- AlterTable
ALTER TABLE "share_links" ADD COLUMN     "issued_by" TEXT;

-- CreateTable
CREATE TABLE "member_grants" (
    "user_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "can_browse" BOOLEAN NOT NULL DEFAULT true,
    "can_share" BOOLEAN NOT NULL DEFAULT false,
    "folder" TEXT NOT NULL DEFAULT '',
    "link_types" TEXT NOT NULL DEFAULT 'both',
    "longest_expiry_seconds" INTEGER,

    CONSTRAINT "member_grants_pkey" PRIMARY KEY ("user_id","connection_id")
);

-- CreateTable
CREATE TABLE "invites" (
    "id" TEXT NOT NULL,
    "team_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "grants" JSONB NOT NULL DEFAULT '[]',
    "token_hash" TEXT NOT NULL,
    "invited_by" TEXT,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "accepted_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" TEXT NOT NULL,
    "team_id" TEXT,
    "actor_id" TEXT,
    "actor_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "subject_id" TEXT,
    "address" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "member_grants_connection_id_idx" ON "member_grants"("connection_id");

-- CreateIndex
CREATE UNIQUE INDEX "invites_token_hash_key" ON "invites"("token_hash");

-- CreateIndex
CREATE INDEX "invites_team_id_created_at_idx" ON "invites"("team_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_team_id_created_at_id_idx" ON "audit_events"("team_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_team_id_actor_id_created_at_id_idx" ON "audit_events"("team_id", "actor_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_team_id_kind_created_at_id_idx" ON "audit_events"("team_id", "kind", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_created_at_idx" ON "audit_events"("created_at");

-- CreateIndex
CREATE INDEX "share_links_owner_id_issued_by_created_at_id_idx" ON "share_links"("owner_id", "issued_by", "created_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_issued_by_fkey" FOREIGN KEY ("issued_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_grants" ADD CONSTRAINT "member_grants_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_grants" ADD CONSTRAINT "member_grants_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "storage_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invites" ADD CONSTRAINT "invites_invited_by_fkey" FOREIGN KEY ("invited_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Roles and grants hold only the values lib/auth/permissions.ts knows; an Owner heads a team, everyone else is in one.
ALTER TABLE "users" ADD CONSTRAINT "users_role_check" CHECK ("role" IN ('owner', 'admin', 'member'));
ALTER TABLE "users" ADD CONSTRAINT "users_team_check" CHECK (("role" = 'owner') = ("team_id" IS NULL));
ALTER TABLE "member_grants" ADD CONSTRAINT "member_grants_link_types_check" CHECK ("link_types" IN ('managed', 'both'));
ALTER TABLE "member_grants" ADD CONSTRAINT "member_grants_folder_check" CHECK ("folder" = '' OR right("folder", 1) = '/');
ALTER TABLE "member_grants" ADD CONSTRAINT "member_grants_expiry_check" CHECK ("longest_expiry_seconds" IS NULL OR "longest_expiry_seconds" > 0);

-- An install from before teams: its one person is the Owner (the column's default) and issued every link.
UPDATE "share_links" SET "issued_by" = "owner_id" WHERE "issued_by" IS NULL;
ALTER TABLE "invites" ADD CONSTRAINT "invites_role_check" CHECK ("role" IN ('admin', 'member'));
