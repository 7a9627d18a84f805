import path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv, shouldSeedDemo } from "./env";

const SESSION_SECRET = "session-secret-0123456789abcdef0123456789";
const PEPPER = "pepper-0123456789abcdef0123456789abcdef";

describe("loadEnv", () => {
  it("gives every setting its documented default and derives the embedded database in the data folder", () => {
    const env = loadEnv({}, "/srv/keyward");
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: "127.0.0.1",
      KEYWARD_TRUST_PROXY: "0",
      KEYWARD_TRUSTED_PROXY_HOPS: 1,
      KEYWARD_SIGNUP_LIMIT_PER_HOUR: 20,
      KEYWARD_UNAUTH_LIMIT_PER_MINUTE: 300,
      KEYWARD_LOG_FLUSH_MS: 250,
      KEYWARD_LOG_RETENTION_DAYS: 30,
      KEYWARD_ROLLUP_RETENTION_DAYS: 400,
      dataDir: path.join("/srv/keyward", "data"),
      databaseUrl: `file:${path.join("/srv/keyward", "data", "keyward.db")}`,
      databaseProvider: "sqlite",
      isBuildPhase: false,
    });
  });

  it("reads numbers, resolves a relative data folder and recognises PostgreSQL", () => {
    const env = loadEnv(
      {
        PORT: "8080",
        KEYWARD_DATA_DIR: "var/kw",
        DATABASE_URL: "postgresql://u@db/keyward",
        KEYWARD_LOG_FLUSH_MS: "100",
        NEXTAUTH_SECRET: SESSION_SECRET,
        KEYWARD_SECRET_PEPPER: PEPPER,
      },
      "/srv",
    );
    expect(env.PORT).toBe(8080);
    expect(env.KEYWARD_LOG_FLUSH_MS).toBe(100);
    expect(env.dataDir).toBe(path.join("/srv", "var", "kw"));
    expect(env.databaseProvider).toBe("postgresql");
  });

  it("keeps keys cached 5 minutes alone and 5 seconds with Redis, unless told otherwise", () => {
    expect(loadEnv({}).keyCacheTtlMs).toBe(300_000);
    const shared = loadEnv({ REDIS_URL: "redis://:pw@cache:6379/2" });
    expect(shared).toMatchObject({ keyCacheTtlMs: 5000, KEYWARD_REDIS_PREFIX: "keyward:" });
    expect(loadEnv({ REDIS_URL: "rediss://cache", KEYWARD_KEY_CACHE_TTL_SECONDS: "2" }).keyCacheTtlMs).toBe(2000);
  });

  it("never echoes a Redis URL back (it may hold a password)", () => {
    expect(() => loadEnv({ REDIS_URL: "http://:hunter2@cache" })).toThrow(
      new ConfigError(["REDIS_URL must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379/0"]),
    );
  });

  it("treats empty values as unset", () => {
    expect(loadEnv({ PORT: "", KEYWARD_SIGNUP_LIMIT_PER_HOUR: "  " }).PORT).toBe(3000);
  });

  it.each([
    [
      "KEYWARD_SIGNUP_LIMIT_PER_HOUR",
      "0",
      'KEYWARD_SIGNUP_LIMIT_PER_HOUR expected a whole number of at least 1 (got "0")',
    ],
    ["KEYWARD_LOG_FLUSH_MS", "lots", 'KEYWARD_LOG_FLUSH_MS expected a whole number (got "lots")'],
    ["PORT", "2.5", 'PORT expected a whole number (got "2.5")'],
    ["KEYWARD_REDIS_PREFIX", "a b", 'KEYWARD_REDIS_PREFIX expected 1 to 64 letters, digits or . _ : - (got "a b")'],
    ["KEYWARD_TRUST_PROXY", "yes", 'KEYWARD_TRUST_PROXY expected "1" (on) or "0" (off) (got "yes")'],
    [
      "DATABASE_URL",
      "mysql://x",
      // Never echoed: a database URL can carry a password.
      "DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)",
    ],
  ])("refuses %s=%s with a sentence naming the variable", (name, value, message) => {
    expect(() => loadEnv({ [name]: value })).toThrow(new ConfigError([message]));
  });

  it("never echoes a secret back, even a wrong one", () => {
    let error: unknown;
    try {
      loadEnv({ KEYWARD_SECRET_PEPPER: "short-secret-value", NEXTAUTH_SECRET: "also-short" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("KEYWARD_SECRET_PEPPER must be at least 32 characters");
    expect(message).toContain("NEXTAUTH_SECRET must be at least 32 characters");
    expect(message).not.toContain("short-secret-value");
    expect(message).not.toContain("also-short");
  });
});

describe("a configuration that cannot split the cluster", () => {
  const postgres = { DATABASE_URL: "postgresql://keyward@db.internal/keyward" };

  it.each([
    [{}, "so NEXTAUTH_SECRET and KEYWARD_SECRET_PEPPER must be set"],
    [{ NEXTAUTH_SECRET: SESSION_SECRET }, "so KEYWARD_SECRET_PEPPER must be set"],
    [{ KEYWARD_SECRET_PEPPER: PEPPER }, "so NEXTAUTH_SECRET must be set"],
  ])("refuses PostgreSQL without both secrets from the environment (%o)", (secrets, missing) => {
    let error: unknown;
    try {
      loadEnv({ ...postgres, ...secrets });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`DATABASE_URL points to PostgreSQL, which several instances may share, ${missing}`);
    expect(message).toContain("the same value on every instance");
    expect(message).not.toContain(SESSION_SECRET);
    expect(message).not.toContain(PEPPER);
  });

  it("accepts PostgreSQL with both secrets, SQLite without them, and a build without them", () => {
    expect(loadEnv({ ...postgres, NEXTAUTH_SECRET: SESSION_SECRET, KEYWARD_SECRET_PEPPER: PEPPER })).toMatchObject({
      databaseProvider: "postgresql",
    });
    expect(loadEnv({}).databaseProvider).toBe("sqlite");
    expect(loadEnv({ ...postgres, NEXT_PHASE: "phase-production-build" }).isBuildPhase).toBe(true);
  });

  it("the refusal stops `npm start` with a non-zero exit and the sentence", () => {
    const result = spawnSync(path.join("node_modules", ".bin", "tsx"), ["scripts/start.ts"], {
      env: { ...process.env, DATABASE_URL: postgres.DATABASE_URL, NEXTAUTH_SECRET: "", KEYWARD_SECRET_PEPPER: "" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      "DATABASE_URL points to PostgreSQL, which several instances may share, so NEXTAUTH_SECRET and KEYWARD_SECRET_PEPPER must be set",
    );
  });
});

describe("operations settings", () => {
  it("defaults: no metrics token (the endpoint is off), info level, format chosen by the terminal", () => {
    const env = loadEnv({});
    expect(env.KEYWARD_METRICS_TOKEN).toBeUndefined();
    expect(env.KEYWARD_LOG_LEVEL).toBe("info");
    expect(env.KEYWARD_LOG_FORMAT).toBeUndefined();
  });

  it.each([
    [
      "KEYWARD_METRICS_TOKEN",
      "short",
      "KEYWARD_METRICS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 24)",
    ],
    [
      "KEYWARD_LOG_LEVEL",
      "loud",
      'KEYWARD_LOG_LEVEL expected one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    ["KEYWARD_LOG_FORMAT", "xml", 'KEYWARD_LOG_FORMAT expected "json" or "pretty" (got "xml")'],
  ])("refuses %s=%s (a token is never echoed)", (name, value, message) => {
    expect(() => loadEnv({ [name]: value })).toThrow(new ConfigError([message]));
  });
});

describe("shouldSeedDemo", () => {
  it.each([
    [{ NODE_ENV: "development" as const }, true],
    [{ NODE_ENV: "production" as const }, false],
    [{ NODE_ENV: "production" as const, KEYWARD_SEED_DEMO: "1" as const }, true],
    [{ NODE_ENV: "development" as const, KEYWARD_SEED_DEMO: "0" as const }, false],
  ])("%o -> %s", (env, expected) => {
    expect(shouldSeedDemo(env)).toBe(expected);
  });
});
