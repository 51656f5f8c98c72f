/**
 * `npm test`: Biome (lint and format), then unit, integration and end-to-end tests, then every bench in quick mode, in one run. PostgreSQL and the S3 server
 * start once here and every layer reuses them (each layer gets its own database).
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { SERVICES_VARIABLE, startServices } from "./services";

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n▶ ${label}\n`);
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(command), ...args], { stdio: "inherit", env });
    child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const results: [string, number][] = [];
  // Lint and format first: seconds, and a finding is worth knowing before the long layers run.
  results.push(["lint and format (biome)", await run("lint and format (biome check)", "node_modules/@biomejs/biome/bin/biome", ["check", "."], process.env)]);
  const services = await startServices();
  process.stdout.write(`test services ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const env = { ...process.env, [SERVICES_VARIABLE]: JSON.stringify(services.services), NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1" };
  try {
    results.push(["unit + integration", await run("unit + integration (vitest)", "node_modules/vitest/vitest.mjs", ["run"], env)]);
    results.push(["end-to-end", await run("end-to-end (playwright, chromium)", "node_modules/@playwright/test/cli.js", ["test"], env)]);
    // After the end-to-end tests: the benches that start the app reuse their build.
    results.push(["benches (quick)", await run("every bench in quick mode", "node_modules/tsx/dist/cli.mjs", ["tests/bench/run-quick.ts"], env)]);
  } finally {
    await services.stop();
  }
  process.stdout.write(`\n${results.map(([name, code]) => `${code === 0 ? "✔" : "✘"} ${name}`).join("\n")}\n`);
  process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return results.every(([, code]) => code === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm test: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
