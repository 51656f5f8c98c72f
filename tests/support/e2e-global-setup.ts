import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FullConfig } from "@playwright/test";
import { startApp } from "./app-server";
import { createTestDatabase, servicesFromEnvironment, SERVICES_VARIABLE, startServices } from "./services";
import { startSmtpServer } from "./smtp";

/**
 * Real PostgreSQL + S3 server (reused from `npm test` when it started them), a real SMTP server, then the
 * production app, which sends its e-mail (invites) there. Each message is also written to E2E_MAIL_DIR, where
 * specs read it (tests/support/smtp.ts readMail).
 */
export default async function globalSetup(config: FullConfig) {
  let services = servicesFromEnvironment();
  let stopServices: (() => Promise<void>) | undefined;
  if (!services) {
    const started = await startServices();
    services = started.services;
    stopServices = started.stop;
    process.env[SERVICES_VARIABLE] = JSON.stringify(services);
  }
  const databaseUrl = await createTestDatabase(services, "e2e");
  // The launcher writes the first-run setup code here (DATA_DIR/setup-code); tests read it as an owner would.
  const dataDir = mkdtempSync(join(tmpdir(), "bucketshare-e2e-data-"));
  process.env.E2E_DATA_DIR = dataDir;
  const mailDir = mkdtempSync(join(tmpdir(), "bucketshare-e2e-mail-"));
  process.env.E2E_MAIL_DIR = mailDir;
  const smtp = await startSmtpServer({ dir: mailDir });
  const app = await startApp({
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: services.authSecret,
    ENCRYPTION_KEY: services.encryptionKey,
    DATA_DIR: dataDir,
    SMTP_URL: smtp.url,
    // Upload requests' batched e-mail: checked every 6 s (a fifth of this), so spec 33 sees it within seconds.
    UPLOAD_NOTIFY_INTERVAL_SECONDS: "30",
    LOG_LEVEL: "warn",
  }).catch(async (error: unknown) => {
    await smtp.close();
    throw error;
  });
  process.env.E2E_BASE_URL = app.url;
  process.env.E2E_DATABASE_URL = databaseUrl;
  for (const project of config.projects) project.use.baseURL = app.url;
  return async () => {
    await app.stop();
    await smtp.close();
    rmSync(mailDir, { recursive: true, force: true });
    await stopServices?.();
  };
}
