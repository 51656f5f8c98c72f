import { existsSync } from "node:fs";
import { defineConfig } from "prisma/config";

// The native schema engine cannot be downloaded on machines without internet access.
// generate/validate/format do not need it, but the CLI insists that a path exists.
// Migrations are applied by lib/db/migrate.ts (WebAssembly schema engine) instead.
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
process.env.CHECKPOINT_DISABLE = "1";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/bucketshare" },
});
