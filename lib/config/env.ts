import path from "node:path";
import { z } from "zod";

/**
 * Keyward's configuration: the one place that reads the environment. Every variable is validated here, with its
 * default, and documented in the README's configuration table; anything else in lib/ asks the composition root
 * (lib/services.ts) for the parsed result. A bad value stops the start with a sentence naming the variable,
 * rather than being silently replaced by a default.
 */
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: "expected a whole number" })
    .int({ error: "expected a whole number" })
    .min(min, { error: `expected a whole number of at least ${min}` })
    .max(max, { error: `expected a whole number of at most ${max}` });

const flag = z.enum(["0", "1"], { error: 'expected "1" (on) or "0" (off)' });

const secretValue = z
  .string()
  .min(32, { error: "must be at least 32 characters of random data (e.g. openssl rand -base64 32)" });

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Set by `next build`: nothing may touch real secrets or the data folder then. */
  NEXT_PHASE: z.string().optional(),
  PORT: wholeNumber(1, 65_535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  KEYWARD_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, { error: "must start with file: (SQLite) or postgresql:// (PostgreSQL)" })
    .optional(),
  NEXTAUTH_URL: z.url({ error: "must be the dashboard's public URL, e.g. https://keys.example.com" }).optional(),
  NEXTAUTH_SECRET: secretValue.optional(),
  KEYWARD_SECRET_PEPPER: secretValue.optional(),
  KEYWARD_SEED_DEMO: flag.optional(),
  /** Connections each instance's Prisma client keeps to PostgreSQL. */
  KEYWARD_PG_POOL_SIZE: wholeNumber(1, 1000).default(10),
  KEYWARD_TRUST_PROXY: flag.default("0"),
  KEYWARD_TRUSTED_PROXY_HOPS: wholeNumber(1, 10).default(1),
  KEYWARD_SIGNUP_LIMIT_PER_HOUR: wholeNumber(1).default(20),
  KEYWARD_UNAUTH_LIMIT_PER_MINUTE: wholeNumber(1).default(300),
  KEYWARD_LOG_FLUSH_MS: wholeNumber(10, 60_000).default(250),
  KEYWARD_LOG_RETENTION_DAYS: wholeNumber(1, 3650).default(30),
  KEYWARD_ROLLUP_RETENTION_DAYS: wholeNumber(1, 3650).default(400),
  // Scale-out: what instances share through Redis (lib/redis). Unset, everything stays in this process.
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { error: "must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379/0" })
    .optional(),
  KEYWARD_REDIS_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,64}$/, { error: "expected 1 to 64 letters, digits or . _ : -" })
    .default("keyward:"),
  KEYWARD_KEY_CACHE_TTL_SECONDS: wholeNumber(1, 3600).optional(),
  // Operations: metrics, the server's own log output.
  /** Bearer token for GET /api/metrics; unset, the endpoint answers 404 (metrics are never public by default). */
  KEYWARD_METRICS_TOKEN: z
    .string()
    .min(16, { error: "must be at least 16 characters (e.g. openssl rand -hex 24)" })
    .optional(),
  /** Bearer token for POST /api/v1/keys/import (legacy key import by an operator); unset, only support staff. */
  KEYWARD_OPERATOR_TOKEN: z
    .string()
    .min(32, { error: "must be at least 32 characters (e.g. openssl rand -hex 24)" })
    .optional(),
  KEYWARD_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "expected one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  /** "json" (one JSON object a line, for log collectors) or "pretty" (for a person); unset: pretty on a terminal. */
  KEYWARD_LOG_FORMAT: z.enum(["json", "pretty"], { error: 'expected "json" or "pretty"' }).optional(),
  // Webhooks (lib/webhooks).
  /** "1" lets webhooks reach loopback/private/link-local addresses (tests, a receiver on the same host). */
  KEYWARD_WEBHOOK_ALLOW_PRIVATE: flag.default("0"),
  /** Each delivery attempt's bound: connect, send and the receiver's answer. */
  KEYWARD_WEBHOOK_TIMEOUT_MS: wholeNumber(100, 60_000).default(10_000),
  /** Deliveries in flight at once per instance. */
  KEYWARD_WEBHOOK_CONCURRENCY: wholeNumber(1, 100).default(4),
});

export type EnvInput = z.input<typeof envSchema>;

/** The parsed configuration, with the derived values every consumer would otherwise compute itself. */
export type Env = z.output<typeof envSchema> & {
  /** Absolute folder for the SQLite file, the request log spool and generated secrets. */
  dataDir: string;
  /** DATABASE_URL, or the embedded SQLite file in the data folder. */
  databaseUrl: string;
  databaseProvider: "sqlite" | "postgresql";
  isBuildPhase: boolean;
  /**
   * How long a key stays cached without a change announcement. Alone, announcements reach only this process and
   * the TTL covers changes from scripts (5 minutes); with Redis it is the safety net for a missed message (5 s).
   */
  keyCacheTtlMs: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Keyward's configuration is invalid: ${problems.join("; ")}.`);
    this.name = "ConfigError";
  }
}

/** Parse an environment (process.env by default). Empty values count as unset, as shells often export them. */
export function loadEnv(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): Env {
  const present: Record<string, string> = {};
  for (const name of Object.keys(envSchema.shape)) {
    const value = source[name];
    if (value !== undefined && value.trim() !== "") present[name] = value.trim();
  }
  const result = envSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "environment");
        // Secrets are never echoed back, even when wrong.
        const shown = /SECRET|PEPPER|TOKEN|REDIS_URL|DATABASE_URL/.test(name)
          ? ""
          : ` (got ${JSON.stringify(present[name] ?? "")})`;
        return `${name} ${issue.message}${shown}`;
      }),
    );
  }
  const parsed = result.data;
  const dataDir = path.resolve(/*turbopackIgnore: true*/ cwd, parsed.KEYWARD_DATA_DIR ?? "data");
  const databaseUrl = parsed.DATABASE_URL ?? `file:${path.join(dataDir, "keyward.db")}`;
  const env: Env = {
    ...parsed,
    dataDir,
    databaseUrl,
    databaseProvider: databaseUrl.startsWith("file:") ? "sqlite" : "postgresql",
    isBuildPhase: parsed.NEXT_PHASE === "phase-production-build",
    keyCacheTtlMs: (parsed.KEYWARD_KEY_CACHE_TTL_SECONDS ?? (parsed.REDIS_URL ? 5 : 300)) * 1000,
  };
  assertCannotSplitCluster(env);
  return env;
}

/**
 * On PostgreSQL several instances share one database: secrets generated into each instance's data folder would
 * differ (a key created on one instance would be refused by the next, a session signed by one rejected by
 * another). So a shared database requires both secrets from the environment. A build never touches them.
 */
function assertCannotSplitCluster(env: Env): void {
  if (env.databaseProvider !== "postgresql" || env.isBuildPhase) return;
  const missing = (["NEXTAUTH_SECRET", "KEYWARD_SECRET_PEPPER"] as const).filter((name) => !env[name]);
  if (missing.length === 0) return;
  throw new ConfigError([
    `DATABASE_URL points to PostgreSQL, which several instances may share, so ${missing.join(" and ")} must be set ` +
      `(the same value on every instance; e.g. openssl rand -base64 32), not generated per data folder`,
  ]);
}

/** The file behind a SQLite URL ("file:./x.db" or "file:/abs/x.db"), or null for other databases. */
export function sqliteFilePath(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  const raw = url.slice("file:".length).split("?")[0] ?? "";
  return path.resolve(/*turbopackIgnore: true*/ raw);
}

/** Demo accounts: on by default for the quick start, off when NODE_ENV=production unless KEYWARD_SEED_DEMO=1. */
export function shouldSeedDemo(env: Pick<Env, "KEYWARD_SEED_DEMO" | "NODE_ENV">): boolean {
  if (env.KEYWARD_SEED_DEMO !== undefined) return env.KEYWARD_SEED_DEMO === "1";
  return env.NODE_ENV !== "production";
}
