-- CreateTable
CREATE TABLE "appearances" (
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "accent" TEXT NOT NULL,
    "logo_png" BYTEA,
    "logo_sha256" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "appearances_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "appearances_logo_sha256_idx" ON "appearances"("logo_sha256");

-- CreateIndex
CREATE INDEX "appearances_updated_at_idx" ON "appearances"("updated_at");

-- AddForeignKey
ALTER TABLE "appearances" ADD CONSTRAINT "appearances_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
