import { z } from "zod";
import { redactText } from "@/lib/log";
import { DEFAULT_TRUSTED_PROXY_NETWORKS } from "@/lib/security/address";
import { parseRangeList } from "@/lib/security/cidr";

/**
 * The only reader of process.env. Every setting is validated once; a bad value stops start-up
 * with one line naming the variable and what it expects.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : ["true", "1", "yes"].includes(v)));

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), "a postgresql:// connection URL");

function commaList(value: string | undefined, options: { lowercase?: boolean } = {}): string[] {
  const items = (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return options.lowercase === false ? items : items.map((item) => item.toLowerCase());
}

function isSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== "";
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce
    .number({ error: "a port number (1-65535)" })
    .int("a port number (1-65535)")
    .min(1, "a port number (1-65535)")
    .max(65535, "a port number (1-65535)")
    .default(3000),
  DATA_DIR: z.string().trim().min(1, "a folder path").default(".data"),
  DATABASE_URL: optionalString.pipe(postgresUrl.optional()),
  EMBEDDED_PG_PORT: z.coerce
    .number({ error: "a port number (1-65535)" })
    .int("a port number (1-65535)")
    .min(1, "a port number (1-65535)")
    .max(65535, "a port number (1-65535)")
    .optional(),
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "at least 32 characters (openssl rand -base64 33)").optional()),
  AUTH_URL: optionalString.pipe(z.url("an absolute URL such as https://share.example.com").optional()),
  /** The public address managed links are built on (<PUBLIC_URL>/s/<token>); falls back to AUTH_URL. */
  PUBLIC_URL: optionalString.pipe(
    z
      .url("an absolute http(s) URL such as https://share.example.com")
      .refine((v) => /^https?:\/\//i.test(v), "an absolute http(s) URL such as https://share.example.com")
      .optional(),
  ),
  ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => Buffer.from(v, "base64").length === 32, "32 random bytes, base64-encoded (openssl rand -base64 32)")
      .optional(),
  ),
  OWNER_NAME: optionalString,
  OWNER_EMAIL: optionalString.pipe(z.email("an email address").optional()),
  OWNER_PASSWORD: optionalString.pipe(z.string().min(12, "at least 12 characters").optional()),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** The longest one "Download all" ZIP may stream, in milliseconds (default 6 hours); then it is cut. */
  ZIP_MAX_MS: z.coerce
    .number({ error: "a number of milliseconds (60000 or more)" })
    .int("a number of milliseconds (60000 or more)")
    .min(60_000, "a number of milliseconds (60000 or more)")
    .default(6 * 60 * 60 * 1000),
  /** How long a "Download all" ZIP may wait for the client to take its next bytes, in milliseconds (default 1 minute); then it is cut. */
  ZIP_IDLE_MS: z.coerce
    .number({ error: "a number of milliseconds (5000 or more)" })
    .int("a number of milliseconds (5000 or more)")
    .min(5_000, "a number of milliseconds (5000 or more)")
    .default(60_000),
  /** Reverse proxies in front of the app: 0 trusts no X-Forwarded-For; N takes its N-th entry from the right. */
  TRUSTED_PROXIES: z.coerce
    .number({ error: "a whole number of reverse proxies (0-10)" })
    .int("a whole number of reverse proxies (0-10)")
    .min(0, "a whole number of reverse proxies (0-10)")
    .max(10, "a whole number of reverse proxies (0-10)")
    .default(0),
  /**
   * Where the reverse proxies are (comma-separated CIDRs): X-Forwarded-For is read only when the
   * TCP peer lies in one of them; a client reaching the app's port directly counts as itself.
   */
  TRUSTED_PROXY_NETWORKS: optionalString.transform((v, ctx) => {
    if (v === undefined) return [...DEFAULT_TRUSTED_PROXY_NETWORKS];
    const parsed = parseRangeList(v);
    if (parsed.ok && parsed.ranges.length > 0) return parsed.ranges;
    const unread = parsed.ok ? "" : ` (cannot read ${parsed.invalid.map((e) => JSON.stringify(e.slice(0, 40))).join(", ")})`;
    ctx.addIssue({ code: "custom", message: `comma-separated networks such as 127.0.0.0/8, ::1/128, 10.0.0.0/8${unread}` });
    return z.NEVER;
  }),
  /** Lets webhooks go to link-local and cloud metadata addresses (refused by default: lib/webhooks/target.ts). */
  WEBHOOK_ALLOW_PRIVATE: booleanFlag.transform((v) => v === true),
  /**
   * Private networks (comma-separated CIDRs) that the webhooks of Admins and Members may reach too, such as
   * an office network's receiver; none by default: theirs reach public addresses only (lib/webhooks/target.ts).
   */
  WEBHOOK_TRUSTED_NETWORKS: optionalString.transform((v, ctx) => {
    if (v === undefined) return [] as string[];
    const parsed = parseRangeList(v);
    if (parsed.ok) return parsed.ranges;
    ctx.addIssue({
      code: "custom",
      message: `comma-separated networks such as 10.20.0.0/16, fd12:3456::/48 (cannot read ${parsed.invalid.map((e) => JSON.stringify(e.slice(0, 40))).join(", ")})`,
    });
    return z.NEVER;
  }),
  /** Access-log rows (link_events) older than this many days are deleted by a background job. */
  ACCESS_LOG_RETENTION_DAYS: z.coerce
    .number({ error: "a whole number of days (1-36500)" })
    .int("a whole number of days (1-36500)")
    .min(1, "a whole number of days (1-36500)")
    .max(36_500, "a whole number of days (1-36500)")
    .default(365),
  /** Audit-log rows (audit_events) older than this many days are deleted by a background job. */
  AUDIT_RETENTION_DAYS: z.coerce
    .number({ error: "a whole number of days (1-36500)" })
    .int("a whole number of days (1-36500)")
    .min(1, "a whole number of days (1-36500)")
    .max(36_500, "a whole number of days (1-36500)")
    .default(365),
  /** Link health checks: HeadObject requests per second per storage connection (lib/health/rate.ts: above 0, at most 50). */
  HEALTH_CHECK_RATE: z.coerce
    .number({ error: "requests per second, above 0 and at most 50" })
    .gt(0, "requests per second, above 0 and at most 50")
    .max(50, "requests per second, above 0 and at most 50")
    .default(5),
  /** Link health checks: each active link is checked again after this many minutes. */
  HEALTH_CHECK_INTERVAL_MINUTES: z.coerce
    .number({ error: "a whole number of minutes (1-10080)" })
    .int("a whole number of minutes (1-10080)")
    .min(1, "a whole number of minutes (1-10080)")
    .max(10_080, "a whole number of minutes (1-10080)")
    .default(60),
  /** Upload requests: at most one e-mail per request this often, listing the files received since the last one. */
  UPLOAD_NOTIFY_INTERVAL_SECONDS: z.coerce
    .number({ error: "a whole number of seconds (1-86400)" })
    .int("a whole number of seconds (1-86400)")
    .min(1, "a whole number of seconds (1-86400)")
    .max(86_400, "a whole number of seconds (1-86400)")
    .default(300),
  /** Where e-mail (invites) is sent through: smtp://[user:pass@]host[:port] or smtps://…; without it nothing is sent. */
  SMTP_URL: optionalString.pipe(z.string().refine(isSmtpUrl, "an smtp:// or smtps:// URL such as smtps://user:password@mail.example.com:465").optional()),
  /** The From of e-mail sent; defaults to "Bucketshare <bucketshare@<host of PUBLIC_URL>>". */
  MAIL_FROM: optionalString.pipe(
    z
      .string()
      .regex(/^[^\r\n]*@[^\r\n]*$/, "an address such as Bucketshare <share@example.com>")
      .optional(),
  ),
  /** Single sign-on (OpenID Connect): the identity provider's issuer URL (its discovery document is <issuer>/.well-known/openid-configuration). */
  OIDC_ISSUER: optionalString.pipe(
    z
      .url("the identity provider's issuer URL, such as https://id.example.com/realms/acme")
      .refine((v) => /^https?:\/\//i.test(v), "the identity provider's issuer URL, such as https://id.example.com/realms/acme")
      .optional(),
  ),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  /** What the sign-in button calls the identity provider: "Sign in with <OIDC_NAME>". */
  OIDC_NAME: optionalString.pipe(z.string().max(64, "a name of at most 64 characters").optional()).transform((v) => v ?? "SSO"),
  /** People whose verified email is in one of these domains (comma-separated) join as Members with no grants. */
  OIDC_ALLOWED_DOMAINS: optionalString.transform((v, ctx) => {
    const domains = commaList(v).map((d) => d.replace(/^@/, ""));
    if (domains.every((d) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(d))) return domains;
    ctx.addIssue({ code: "custom", message: "comma-separated email domains such as example.com, example.org" });
    return z.NEVER;
  }),
  /** Members of these groups (comma-separated, from the ID token's `groups` claim) are Admins; checked at every sign-in. */
  OIDC_ADMIN_GROUPS: optionalString.transform((v) => commaList(v, { lowercase: false })),
  /** Hides the password form for everyone but the Owner, who keeps it as a way in when the identity provider is down. */
  OIDC_ONLY: booleanFlag.transform((v) => v === true),
  S3_ENDPOINT: optionalString.pipe(z.url("an http(s) URL such as https://s3.us-east-1.amazonaws.com").optional()),
  S3_REGION: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9-]+$/, "a region name without spaces, such as us-east-1")
      .optional(),
  ),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: booleanFlag,
  S3_BUCKETS: optionalString,
  /** Name under which the S3_* connection appears (e.g. "Demo storage" for `npm run demo`). */
  S3_CONNECTION_NAME: optionalString.pipe(z.string().max(64, "a name of at most 64 characters").optional()).transform((v) => v ?? "Environment"),
});

export type Env = z.infer<typeof envSchema>;

const SECRET_VARIABLES = new Set([
  "AUTH_SECRET",
  "ENCRYPTION_KEY",
  "OWNER_PASSWORD",
  "S3_SECRET_ACCESS_KEY",
  "S3_ACCESS_KEY_ID",
  "SMTP_URL",
  "OIDC_CLIENT_SECRET",
]);

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

/** Validates a set of variables; throws EnvError with one line per bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const value = source[name] ?? "";
      // Secrets are never repeated back, not even in an error line.
      const shown = SECRET_VARIABLES.has(name) ? `${value.length} characters` : JSON.stringify(redactText(value));
      return `Invalid ${name}: expected ${issue.message.replace(/^Invalid (input|option): (expected )?/, "")} (got ${shown})`;
    });
    throw new EnvError(lines.join("\n"));
  }
  const env = result.data;
  if (Boolean(env.OWNER_EMAIL) !== Boolean(env.OWNER_PASSWORD)) {
    throw new EnvError("Invalid OWNER_EMAIL/OWNER_PASSWORD: set both to create the owner at start, or neither");
  }
  const s3 = [env.S3_ENDPOINT, env.S3_ACCESS_KEY_ID, env.S3_SECRET_ACCESS_KEY];
  if (s3.some(Boolean) && !s3.every(Boolean)) {
    throw new EnvError("Invalid S3_ENDPOINT/S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY: set all three to add a connection from the environment");
  }
  const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new EnvError("Invalid OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET: set all three to offer single sign-on, or none");
  }
  if (env.OIDC_ONLY && !env.OIDC_ISSUER) {
    throw new EnvError("Invalid OIDC_ONLY: single sign-on only needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET");
  }
  return env;
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * The address recipients reach Bucketshare at (PUBLIC_URL, else AUTH_URL), without a trailing
 * slash; null when neither is set (managed links are then built on the address the owner's
 * browser used, which is often localhost).
 */
export function publicBaseUrl(): string | null {
  const env = getEnv();
  const configured = env.PUBLIC_URL ?? env.AUTH_URL;
  if (!configured) return null;
  const url = new URL(configured);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Single sign-on through an OpenID Connect provider (OIDC_*), or null when it is not configured. */
export type SsoSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** "Sign in with <name>". */
  name: string;
  allowedDomains: string[];
  adminGroups: string[];
  /** The password form is only for the Owner. */
  only: boolean;
};

export function ssoSettings(): SsoSettings | null {
  const env = getEnv();
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return null;
  return {
    issuer: env.OIDC_ISSUER,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    name: env.OIDC_NAME,
    allowedDomains: env.OIDC_ALLOWED_DOMAINS,
    adminGroups: env.OIDC_ADMIN_GROUPS,
    only: env.OIDC_ONLY,
  };
}

/** Secrets the running server needs; the launcher (lib/boot) puts them in place before Next starts. */
export function getRuntimeSecrets(): { authSecret: string; encryptionKey: Buffer; databaseUrl: string } {
  const env = getEnv();
  const missing = (["AUTH_SECRET", "ENCRYPTION_KEY", "DATABASE_URL"] as const).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new EnvError(`Missing ${missing.join(", ")}: start Bucketshare with "npm start" or set them (see .env.example)`);
  }
  return {
    authSecret: env.AUTH_SECRET!,
    encryptionKey: Buffer.from(env.ENCRYPTION_KEY!, "base64"),
    databaseUrl: env.DATABASE_URL!,
  };
}

/** Environment handed to child processes (next, tests). Only the launcher and test runner use it. */
export function childProcessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1", ...extra };
}
