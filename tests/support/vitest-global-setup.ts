import type { TestProject } from "vitest/node";
import { createTestDatabase, servicesFromEnvironment, startServices, type TestServices } from "./services";

declare module "vitest" {
  export interface ProvidedContext {
    services: TestServices;
    /** One database per integration worker (VITEST_POOL_ID picks it, tests/support/vitest-setup.ts). */
    databaseUrls: string[];
  }
}

export default async function setup(project: TestProject) {
  let services = servicesFromEnvironment();
  let stop: (() => Promise<void>) | undefined;
  if (!services) {
    const started = await startServices();
    services = started.services;
    stop = started.stop;
  }
  project.provide("services", services);
  // A database per worker (maxWorkers of them; one while the integration files run one at a time): within a worker, files
  // run one after another on one database (the job queue, sign-in limits and team-wide rows are counted there).
  project.provide("databaseUrls", await Promise.all(Array.from({ length: project.config.maxWorkers }, () => createTestDatabase(services, "integration"))));
  return async () => {
    await stop?.();
  };
}
