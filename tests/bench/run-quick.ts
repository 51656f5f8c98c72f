/**
 * Every `npm run bench:*` in quick mode (BENCH_QUICK=1: tiny sizes, short runs, targets not
 * enforced), one after another, so that a bench cannot rot unnoticed: fails when one fails. Run by
 * `npm test` after the end-to-end tests (their build and test services are reused); alone:
 *
 *   npm run test:benches            (or: npm run test:benches -- list zip   for some of them)
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
const benches = Object.entries(scripts)
  .filter(([name]) => name.startsWith("bench:"))
  .map(([name, command]) => ({ name, file: /^tsx (\S+)$/.exec(command)?.[1] }));
const only = process.argv.slice(2);

function run(file: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve("node_modules/tsx/dist/cli.mjs"), file], {
      env: { ...process.env, BENCH_QUICK: "1", NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code, signal) => done({ code: code ?? (signal ? 1 : 0), output }));
  });
}

let failed = 0;
const started = Date.now();
for (const { name, file } of benches) {
  if (only.length && !only.some((o) => name === o || name === `bench:${o}`)) continue;
  if (!file) {
    process.stdout.write(`✘ ${name}: not a \`tsx <file>\` script\n`);
    failed++;
    continue;
  }
  const t0 = Date.now();
  const { code, output } = await run(file);
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (code === 0) {
    process.stdout.write(`✔ ${name} (quick) ${seconds} s\n`);
  } else {
    failed++;
    process.stdout.write(`✘ ${name} (quick) exited with ${code} after ${seconds} s; its output:\n${output.slice(-4_000)}\n`);
  }
}
process.stdout.write(`benches (quick): ${failed ? `${failed} failed` : "all ran to their end"} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(failed ? 1 : 0);
