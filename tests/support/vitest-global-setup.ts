import type { TestProject } from "vitest/node";
import { createTestDatabase, servicesFromEnvironment, startServices, type TestServices } from "./services";

declare module "vitest" {
  export interface ProvidedContext {
    services: TestServices;
    databaseUrl: string;
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
  project.provide("databaseUrl", await createTestDatabase(services, "integration"));
  return async () => {
    await stop?.();
  };
}
