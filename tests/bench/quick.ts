/**
 * Quick mode of the benches (`BENCH_QUICK=1`, or `--quick` after the script): tiny sizes and short
 * durations, and the performance targets reported but not enforced, so that CI proves in seconds
 * that every bench still runs to its end. Correctness checks (counts, bytes, statuses) still fail
 * the run. A quick run's figures mean nothing.
 */
export const QUICK = process.env.BENCH_QUICK === "1" || process.argv.slice(2).includes("--quick");

/** A size or duration: the environment's `name` when set, else the full run's or the quick run's default. */
export function setting(name: string, full: number, quick: number): number {
  const value = process.env[name];
  return value !== undefined && value !== "" ? Number(value) : QUICK ? quick : full;
}

/** True when a missed performance target should fail the run (never in quick mode). */
export function failsTarget(missed: boolean): boolean {
  return missed && !QUICK;
}
