/**
 * `npm test`: Biome (lint and format), then unit, integration and end-to-end tests, then every bench in quick mode, in one run. PostgreSQL and the S3 server
 * start once here and every layer reuses them (each layer gets its own database).
 *
 * The layers mostly wait (on the browser, on the app, on storage and database answers): one of them keeps about half of
 * this 2-core machine busy. So two lanes run side by side, each with its own databases and its own app:
 * - lane 1: Vitest (unit, then integration files one after another), then the end-to-end specs of E2E_AFTER_VITEST
 *   (one Playwright run);
 * - lane 2: every other end-to-end spec (a second Playwright run), started at once; its global setup builds the app
 *   (`npm start` builds when the sources changed; a start elsewhere meanwhile waits for that build, lib/boot/build-stamp.ts);
 *   then every bench in quick mode (a few seconds each: each still runs; quick mode sets no targets).
 * Each Playwright run has its own global setup: its own database, app, SMTP server and data folder, so the two runs share
 * only the S3 servers, where every spec uses buckets of its own. Within a run the specs keep their order (one worker).
 * A third lane was tried: together the lanes need more CPU than the 2 cores have, so it ended later (docs/testing.md).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { SERVICES_VARIABLE, startServices } from "./services";

/**
 * The end-to-end specs lane 1 runs after Vitest, chosen so that both lanes end together (docs/testing.md has each run's
 * figures); every other spec, a new one too, runs in lane 2. Spec 01 must
 * stay first in its run (it sets up the owner), 99 last (it rate-limits the loopback address); specs sharing a bucket
 * (32 and 33) stay in one lane.
 */
const E2E_AFTER_VITEST = ["00", "01", "02", "03", "04", "05", "06", "07", "09", "10", "13", "15", "17", "99"];

type Result = { name: string; code: number; seconds: number };

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv, prefix?: string): Promise<Result> {
  process.stdout.write(`\n▶ ${label}\n`);
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(command), ...args], { stdio: prefix ? ["ignore", "pipe", "pipe"] : "inherit", env });
    if (prefix) {
      // Two lanes write at once: each line says which one it comes from.
      for (const stream of [child.stdout!, child.stderr!]) {
        let rest = "";
        stream.on("data", (chunk: Buffer) => {
          const lines = (rest + chunk.toString()).split("\n");
          rest = lines.pop()!;
          for (const line of lines) process.stdout.write(`${prefix} ${line}\n`);
        });
        stream.on("end", () => rest && process.stdout.write(`${prefix} ${rest}\n`));
      }
    }
    child.on("exit", (code, signal) => {
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(`${prefix ? `${prefix} ` : ""}◀ ${label}: ${seconds.toFixed(0)} s\n`);
      done({ name: label, code: code ?? (signal ? 1 : 0), seconds });
    });
  });
}

function e2eSpecs(): { afterVitest: string[]; beside: string[] } {
  const specs = readdirSync("tests/e2e")
    .filter((file) => file.endsWith(".spec.ts"))
    .sort()
    .map((file) => `tests/e2e/${file}`);
  const after = (spec: string) => E2E_AFTER_VITEST.some((number) => spec.startsWith(`tests/e2e/${number}-`));
  return { afterVitest: specs.filter(after), beside: specs.filter((spec) => !after(spec)) };
}

const PLAYWRIGHT = "node_modules/@playwright/test/cli.js";

/** One lane's Playwright run: its specs in order, its own output folder, its lines prefixed with the lane. */
function endToEnd(lane: 1 | 2, specs: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const label = `end-to-end, lane ${lane}: ${specs.length} specs (playwright, chromium)`;
  return run(label, PLAYWRIGHT, ["test", "--output", `test-results/lane-${lane}`, ...specs], env, `[${lane} e2e]`);
}

async function main(): Promise<number> {
  const started = Date.now();
  const results: Result[] = [];
  // Lint and format first: seconds, and a finding is worth knowing before the long layers run.
  results.push(await run("lint and format (biome check)", "node_modules/@biomejs/biome/bin/biome", ["check", "."], process.env));
  const services = await startServices();
  process.stdout.write(`test services ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const env = { ...process.env, [SERVICES_VARIABLE]: JSON.stringify(services.services), NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1" };
  const specs = e2eSpecs();
  try {
    const lanesStarted = Date.now();
    const lanes = await Promise.all([
      (async () => {
        const vitest = await run("unit + integration (vitest)", "node_modules/vitest/vitest.mjs", ["run"], env, "[1 vitest]");
        return [vitest, await endToEnd(1, specs.afterVitest, env)];
      })(),
      (async () => {
        const e2e = await endToEnd(2, specs.beside, env);
        // Then the benches in quick mode, beside lane 1's specs: they only prove each bench still runs (their figures
        // are not targets in quick mode), and lane 2 ends first. The benches that start the app reuse lane 2's build.
        const benches = await run("every bench in quick mode", "node_modules/tsx/dist/cli.mjs", ["tests/bench/run-quick.ts"], env, "[2 bench]");
        return [e2e, benches];
      })(),
    ]);
    results.push(...lanes.flat());
    process.stdout.write(`\nboth lanes done in ${((Date.now() - lanesStarted) / 1000).toFixed(0)} s\n`);
  } finally {
    await services.stop();
  }
  process.stdout.write(`\n${results.map(({ name, code, seconds }) => `${code === 0 ? "✔" : "✘"} ${name} (${seconds.toFixed(0)} s)`).join("\n")}\n`);
  process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return results.every(({ code }) => code === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm test: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
