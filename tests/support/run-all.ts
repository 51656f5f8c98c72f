/**
 * `npm test`: Biome (lint and format), then unit, integration and end-to-end tests, then every bench in quick mode, in one run. PostgreSQL and the S3 server
 * start once here and every layer reuses them (each layer gets its own database).
 *
 * The end-to-end specs mostly wait (on the browser, on the app, on bounds a test proves): a Playwright run alone keeps about
 * half of one core busy. Vitest's integration files are the CPU-heavy part. So three lanes run side by side, each with its
 * own databases and its own app:
 * - lane 1: Vitest (unit, then integration files two at a time, each worker on its own database), then the end-to-end
 *   specs of E2E_LANE_1 (one Playwright run);
 * - lane 2: the specs of E2E_LANE_2 (a second Playwright run), started at once;
 * - lane 3: every other spec (a third Playwright run), started at once, then every bench in quick mode (a few seconds
 *   each: each still runs; quick mode sets no targets).
 * The first global setup to start builds the app (`npm start` builds when the sources changed; a start elsewhere
 * meanwhile waits for that build, lib/boot/build-stamp.ts). Each Playwright run has its own global setup: its own
 * database, app, SMTP server and data folder, so the runs share only the S3 servers, where every spec uses buckets of its
 * own. Within a run the specs keep their order (one worker). docs/testing.md gives the figures.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { SERVICES_VARIABLE, startServices } from "./services";

/**
 * Which lane runs which spec, so that the three lanes end together (docs/testing.md has the figures): lane 1 runs its
 * specs after Vitest, lane 2 and lane 3 at once; every other spec, a new one too, runs in lane 3. Spec 01 must stay first
 * in its run (it sets up the owner), 99 last (it rate-limits the loopback address); specs sharing a bucket (32 and 33)
 * stay in one lane, and so do 20 (the branding) and 21 (the recipient pages' pictures), 20 first.
 */
const E2E_LANE_1 = ["00", "01", "02", "03", "05", "10", "13", "15", "16", "26", "99"];
const E2E_LANE_2 = ["04", "06", "07", "08", "09", "11", "12", "14", "17", "18", "19", "20", "21", "22"];

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

function e2eSpecs(): [string[], string[], string[]] {
  const specs = readdirSync("tests/e2e")
    .filter((file) => file.endsWith(".spec.ts"))
    .sort()
    .map((file) => `tests/e2e/${file}`);
  const within = (numbers: string[]) => (spec: string) => numbers.some((number) => spec.startsWith(`tests/e2e/${number}-`));
  const [one, two] = [within(E2E_LANE_1), within(E2E_LANE_2)];
  return [specs.filter(one), specs.filter(two), specs.filter((spec) => !one(spec) && !two(spec))];
}

const PLAYWRIGHT = "node_modules/@playwright/test/cli.js";

/** One lane's Playwright run: its specs in order, its own output folder, its lines prefixed with the lane. */
function endToEnd(lane: 1 | 2 | 3, specs: string[], env: NodeJS.ProcessEnv): Promise<Result> {
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
  const [lane1Specs, lane2Specs, lane3Specs] = e2eSpecs();
  try {
    const lanesStarted = Date.now();
    const lanes = await Promise.all([
      (async () => {
        const vitest = await run("unit + integration (vitest)", "node_modules/vitest/vitest.mjs", ["run"], env, "[1 vitest]");
        return [vitest, await endToEnd(1, lane1Specs, env)];
      })(),
      endToEnd(2, lane2Specs, env).then((e2e) => [e2e]),
      (async () => {
        const e2e = await endToEnd(3, lane3Specs, env);
        // Then the benches in quick mode, beside the other lanes' specs: they only prove each bench still runs (their
        // figures are not targets in quick mode). The benches that start the app reuse the lanes' build.
        const benches = await run("every bench in quick mode", "node_modules/tsx/dist/cli.mjs", ["tests/bench/run-quick.ts"], env, "[3 bench]");
        return [e2e, benches];
      })(),
    ]);
    results.push(...lanes.flat());
    process.stdout.write(`\nall three lanes done in ${((Date.now() - lanesStarted) / 1000).toFixed(0)} s\n`);
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
