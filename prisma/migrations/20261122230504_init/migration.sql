-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_failures" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "client_address" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_failures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "storage_connections" (
    "id" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "force_path_style" BOOLEAN NOT NULL DEFAULT true,
    "access_key_id" TEXT NOT NULL,
    "secret_access_key_enc" TEXT NOT NULL,
    "session_token_enc" TEXT,
    "session_token_expires_at" TIMESTAMP(3),
    "buckets" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "from_env" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "storage_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "share_links" (
    "id" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "connection_id" TEXT,
    "connection_name" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "object_size" BIGINT NOT NULL,
    "object_etag" TEXT,
    "object_content_type" TEXT,
    "requested_expires_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "expires_soon_at" TIMESTAMP(3) NOT NULL,
    "disposition" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type_override" TEXT,
    "note" TEXT,
    "url_enc" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "share_links_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "sign_in_failures_email_created_at_idx" ON "sign_in_failures"("email", "created_at");

-- CreateIndex
CREATE INDEX "sign_in_failures_client_address_created_at_idx" ON "sign_in_failures"("client_address", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "storage_connections_owner_id_name_key" ON "storage_connections"("owner_id", "name");

-- CreateIndex
CREATE INDEX "share_links_owner_id_created_at_id_idx" ON "share_links"("owner_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "share_links_owner_id_expires_at_idx" ON "share_links"("owner_id", "expires_at");

-- CreateIndex
CREATE INDEX "share_links_owner_id_expires_soon_at_idx" ON "share_links"("owner_id", "expires_soon_at");

-- CreateIndex
CREATE INDEX "share_links_owner_id_connection_id_bucket_created_at_idx" ON "share_links"("owner_id", "connection_id", "bucket", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "storage_connections" ADD CONSTRAINT "storage_connections_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "storage_connections"("id") ON DELETE SET NULL ON UPDATE CASCADE;
