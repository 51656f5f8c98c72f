/**
 * Every reason an error can carry has an answer for each kind of caller: a server action (a field
 * error at the field the error names, else the form's message), the API (a problem type, naming
 * the field) and a recipient (a plain page). Reasons used anywhere in lib/ must be in the table.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PROBLEM_TYPES, problemOfAppError, problemTypeUri } from "@/lib/api/problem";
import { actionFieldErrorsOf, AppError, plainPageOf, REASONS, type AppErrorReason } from "@/lib/errors";
import type { Refusal } from "@/lib/recipient/link";
import { PLAIN_PAGES } from "@/lib/recipient/respond";

const LIB = fileURLToPath(new URL("../../lib", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** `reason: "…"` in the options of `new AppError(…)`, and hasReason(error, "…", …) / `.reason === "…"` checks. */
function reasonsUsedInLib(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of sourceFiles(LIB)) {
    const text = readFileSync(file, "utf8");
    // Only inside `new AppError(…)`: access-log rows and recipient policies have reasons of their own.
    for (const call of text.matchAll(/new AppError\(([\s\S]*?)\);/g)) {
      for (const match of call[1]!.matchAll(/\breason: "([a-z_]+)"/g)) used.set(match[1]!, file);
    }
    for (const match of text.matchAll(/\.reason === "([a-z_]+)"/g)) used.set(match[1]!, file);
    for (const match of text.matchAll(/hasReason\(\w+((?:, "[a-z_]+")+)\)/g)) {
      for (const reason of match[1]!.matchAll(/"([a-z_]+)"/g)) used.set(reason[1]!, file);
    }
  }
  return used;
}

/** The recipient's refusals (the Refusal union in lib/recipient/link.ts). */
function recipientRefusals(): string[] {
  const text = readFileSync(join(LIB, "recipient/link.ts"), "utf8");
  const union = /export type Refusal = ([^;]+);/.exec(text)?.[1] ?? "";
  return [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);
}

// Compile-time: every recipient refusal is a reason (tsc fails otherwise).
const refusalIsReason: (refusal: Refusal) => AppErrorReason = (refusal) => refusal;

describe("error reasons", () => {
  const reasons = Object.keys(REASONS) as AppErrorReason[];

  it("lists every reason used in lib/ and every recipient refusal", () => {
    const used = reasonsUsedInLib();
    // The scan itself works: it sees reasons thrown in lib/links and branched on in lib/api.
    expect([...used.keys()]).toEqual(
      expect.arrayContaining(["no_such_object", "no_such_bucket", "link_changed", "revoked_cannot_change", "direct_cannot_change", "invalid_expiry"]),
    );
    for (const [reason, file] of used) expect(reasons, `${reason} (${file})`).toContain(reason);
    const refusals = recipientRefusals();
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) expect(reasons).toContain(refusalIsReason(refusal as Refusal));
  });

  it.each(reasons)("%s maps to a field error, a problem type and a plain page", (reason) => {
    const answer = REASONS[reason] as { problemType: keyof typeof PROBLEM_TYPES; field?: string };
    const field = answer.field ?? "form";

    // A server action: the error's message at the field it names; without one, the form's message.
    const named = new AppError("invalid", `Refused: ${reason}.`, { reason, field });
    expect(actionFieldErrorsOf(named)).toEqual({ [field]: [`Refused: ${reason}.`] });
    expect(actionFieldErrorsOf(new AppError("invalid", "Refused.", { reason }))).toBeUndefined();

    // The API: a known problem type, with the field its table entry names.
    const problem = problemOfAppError(new AppError("invalid", `Refused: ${reason}.`, { reason }));
    expect(Object.keys(PROBLEM_TYPES)).toContain(problem.type);
    expect(problemTypeUri(problem.type)).toMatch(/^urn:bucketshare:problem:/);
    expect(problem.message).toBe(`Refused: ${reason}.`);
    if (answer.field) expect(problem.errors).toEqual([expect.objectContaining({ field: answer.field, message: `Refused: ${reason}.` })]);
    else expect(problem.errors ?? []).toEqual([]);

    // A recipient: one of the plain pages.
    expect(Object.keys(PLAIN_PAGES)).toContain(plainPageOf(reason));
  });

  it("defaults an error's reason to its code, and branches see the reason, not the message", () => {
    expect(new AppError("not_found", "Gone.").reason).toBe("not_found");
    const missing = new AppError("not_found", "This object does not exist (any more), so no link was created.", { reason: "no_such_object" });
    expect(problemOfAppError(missing)).toMatchObject({ type: "not-found", errors: [{ in: "body", field: "key" }] });
    expect(problemOfAppError(new AppError("conflict", "Changed.", { reason: "link_changed" }))).toMatchObject({
      type: "precondition-failed",
      errors: [{ in: "header", field: "If-Match" }],
    });
  });
});
