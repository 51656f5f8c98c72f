import { inject } from "vitest";

// Runs in each test worker before a test file loads the app's modules (lib/env reads these once).
const services = inject("services");
// Each worker (VITEST_POOL_ID, 1 to maxWorkers) has its own database: no two files running at once share one.
const databases = inject("databaseUrls");
process.env.DATABASE_URL = databases[(Number(process.env.VITEST_POOL_ID ?? "1") - 1) % databases.length];
process.env.AUTH_SECRET = services.authSecret;
process.env.ENCRYPTION_KEY = services.encryptionKey;
process.env.LOG_LEVEL ??= "error";
