import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv, shouldSeedDemo } from "./env";

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
      'DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL) (got "mysql://x")',
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
