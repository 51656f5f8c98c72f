import { inject } from "vitest";

// Runs in each test worker before a test file loads the app's modules (lib/env reads these once).
const services = inject("services");
process.env.DATABASE_URL = inject("databaseUrl");
process.env.AUTH_SECRET = services.authSecret;
process.env.ENCRYPTION_KEY = services.encryptionKey;
process.env.LOG_LEVEL ??= "error";
