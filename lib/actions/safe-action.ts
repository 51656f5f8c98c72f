import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { AppError, actionFieldErrorsOf, isDatabaseUnavailable } from "@/lib/errors";
import { log } from "@/lib/log";
import { NUL_MESSAGE, nulCharacterPaths } from "@/lib/validation/text";

/**
 * Every server action goes through one of these wrappers: session → zod input → handler →
 * a typed state for useActionState. Ids the client sends travel in the input and are validated
 * like everything else; handlers check ownership by putting user.id into every query.
 */

export type FieldErrors = Record<string, string[] | undefined>;

export type ActionState<T = undefined> =
  | { status: "idle" }
  | { status: "success"; message?: string; data?: T; reloadTo?: string }
  | { status: "invalid"; message: string; fieldErrors: FieldErrors; values?: Record<string, string> }
  | { status: "error"; message: string }
  | { status: "unauthorized"; message: string };

/**
 * What a handler returns; redirect and revalidation happen after it, outside any try/catch.
 * `reloadTo` asks the browser for a full page load instead of a client-side navigation: the
 * Content-Security-Policy is set per document, and after sign-in or a new connection it must
 * name the storage origins that previews load from.
 */
export type ActionOutcome<T> = { data?: T; message?: string; redirectTo?: string; reloadTo?: string; revalidate?: string[] };

export type ActionInput = FormData | Record<string, unknown> | undefined;
export type ServerAction<T> = (previous: ActionState<T>, input: ActionInput) => Promise<ActionState<T>>;
export type ActionAccess = "public" | "signed-in";

export const idle = { status: "idle" } as const;

export const UNAUTHORIZED_MESSAGE = "Your session has ended. Sign in again to continue.";

const SECRET_FIELDS = /pass|secret|token/i;

function toObject(input: ActionInput): Record<string, unknown> {
  if (!(input instanceof FormData)) return { ...(input ?? {}) };
  const out: Record<string, unknown> = {};
  for (const [key, value] of input.entries()) {
    if (key.startsWith("$ACTION")) continue;
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** Non-secret text fields sent back so a form can keep what the user typed (less any NUL: see nulFieldErrors). */
function echoValues(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw)
      .filter(([k, v]) => typeof v === "string" && !SECRET_FIELDS.test(k))
      .map(([k, v]) => [k, (v as string).replaceAll("\u0000", "")]),
  );
}

/** Each top-level field holding a NUL at any depth is refused before the handler runs. */
function nulFieldErrors(raw: Record<string, unknown>): FieldErrors | null {
  const fields = [...new Set(nulCharacterPaths(raw).map((path) => path.split(".")[0]!))];
  return fields.length === 0 ? null : Object.fromEntries(fields.map((key) => [key, [NUL_MESSAGE]]));
}

function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

function failureState<T>(error: unknown, action: string, raw: Record<string, unknown>): ActionState<T> {
  if (error instanceof AppError) {
    if (error.code !== "invalid") log.warn("action.refused", { action, code: error.code, reason: error.reason, cause: error.cause });
    if (error.code === "unauthorized") return { status: "unauthorized", message: UNAUTHORIZED_MESSAGE };
    const fieldErrors = actionFieldErrorsOf(error);
    if (fieldErrors) return { status: "invalid", message: error.message, fieldErrors, values: echoValues(raw) };
    return { status: "error", message: error.message };
  }
  if (isDatabaseUnavailable(error)) {
    log.error("action.database_unavailable", { action, error });
    return { status: "error", message: "The database is not answering, so nothing was saved. Try again in a moment." };
  }
  log.error("action.failed", { action, error });
  return { status: "error", message: "Something went wrong and nothing was saved. Try again; if it keeps happening, check the server log." };
}

function define<S extends z.ZodType, T>(
  access: ActionAccess,
  name: string,
  schema: S,
  handler: (input: z.infer<S>, user: SessionUser | null) => Promise<ActionOutcome<T>>,
): ServerAction<T> & { access: ActionAccess } {
  const action = async (_previous: ActionState<T>, input: ActionInput): Promise<ActionState<T>> => {
    const raw = toObject(input);
    let outcome: ActionOutcome<T>;
    try {
      const user = await getSessionUser();
      if (access === "signed-in" && !user) return { status: "unauthorized", message: UNAUTHORIZED_MESSAGE };
      const nulErrors = nulFieldErrors(raw);
      if (nulErrors) return { status: "invalid", message: "Check the highlighted fields.", fieldErrors: nulErrors, values: echoValues(raw) };
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        return {
          status: "invalid",
          message: "Check the highlighted fields.",
          fieldErrors: fieldErrorsOf(parsed.error),
          values: echoValues(raw),
        };
      }
      outcome = await handler(parsed.data, user);
    } catch (error) {
      return failureState<T>(error, name, raw);
    }
    for (const path of outcome.revalidate ?? []) revalidatePath(path);
    if (outcome.redirectTo) redirect(outcome.redirectTo);
    return { status: "success", message: outcome.message, data: outcome.data, ...(outcome.reloadTo ? { reloadTo: outcome.reloadTo } : {}) };
  };
  return Object.assign(action, { access });
}

/** An action that needs a signed-in owner. */
export function signedInAction<S extends z.ZodType, T = undefined>(
  name: string,
  schema: S,
  handler: (input: z.infer<S>, user: SessionUser) => Promise<ActionOutcome<T>>,
) {
  return define<S, T>("signed-in", name, schema, (input, user) => handler(input, user!));
}

/** An action anyone may call (sign-in, first-run setup). Each one is listed in tests/integration/actions-auth.test.ts. */
export function publicAction<S extends z.ZodType, T = undefined>(
  name: string,
  schema: S,
  handler: (input: z.infer<S>, user: SessionUser | null) => Promise<ActionOutcome<T>>,
) {
  return define<S, T>("public", name, schema, handler);
}
