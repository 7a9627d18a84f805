import "server-only";
import path from "node:path";
import { loadEnv, type Env } from "./config/env";
import { loadServerSecrets, type ServerSecrets } from "./config/server-secrets";
import { createPrismaClient, type Db } from "./db/create-prisma-client";
import { openBulkSql, type BulkSql } from "./db/bulk-sql";
import { JobScheduler } from "./jobs/scheduler";
import { KeyCache, loadCachedKey } from "./keys/key-cache";
import { LocalKeyChangeBus, type KeyChangeBus } from "./keys/key-change-bus";
import type { LogEntry } from "./logs/log-entry";
import { storeLogBatch } from "./logs/log-store";
import { LogWriter } from "./logs/log-writer";
import { AuthThrottle, authLimits } from "./rate-limit/auth-throttle";
import { MemoryRateLimiter, type RateLimiter } from "./rate-limit/rate-limiter";

/** Writes request-log batches; returns how many entries were new (ones already stored are skipped). */
export interface LogStore {
  storeBatch(entries: readonly LogEntry[]): Promise<number>;
}

/**
 * Everything a Keyward process shares: built here, in one place, from the configuration. Each part is created on
 * first use (a build or a script that never touches Redis never connects to it), and each is an interface a
 * test can replace (see createServices' overrides).
 */
export type Services = {
  readonly env: Env;
  readonly secrets: ServerSecrets;
  readonly db: Db;
  readonly bulkSql: BulkSql;
  readonly logStore: LogStore;
  readonly logWriter: LogWriter;
  readonly keyCache: KeyCache;
  readonly keyChanges: KeyChangeBus;
  readonly rateLimiter: RateLimiter;
  readonly authThrottle: AuthThrottle;
  readonly jobs: JobScheduler;
  /** Stop jobs, flush the request log, and close connections (graceful shutdown, end of a script or test file). */
  close(): Promise<void>;
};

type Part = Exclude<keyof Services, "close">;
export type ServiceFactories = { [K in Part]: (s: Services) => Services[K] };

const defaultFactories: ServiceFactories = {
  env: () => loadEnv(),
  secrets: (s) => loadServerSecrets(s.env),
  db: (s) => createPrismaClient(s.env.databaseUrl, { poolSize: s.env.KEYWARD_PG_POOL_SIZE }),
  bulkSql: (s) => openBulkSql(s.env.databaseUrl),
  logStore: (s) => ({ storeBatch: (entries) => storeLogBatch(s.bulkSql, entries) }),
  logWriter: (s) => {
    const writer = new LogWriter({
      spoolDir: path.join(s.env.dataDir, "log-spool"),
      flushIntervalMs: s.env.KEYWARD_LOG_FLUSH_MS,
      store: (entries) => s.logStore.storeBatch(entries),
    });
    writer.start();
    return writer;
  },
  keyCache: (s) => {
    const cache = new KeyCache((keyId) => loadCachedKey(s.db, keyId));
    s.keyChanges.onChange((keyId) => cache.invalidate(keyId));
    return cache;
  },
  keyChanges: () => new LocalKeyChangeBus(),
  rateLimiter: () => new MemoryRateLimiter(),
  authThrottle: (s) => new AuthThrottle(authLimits(s.env.KEYWARD_SIGNUP_LIMIT_PER_HOUR)),
  jobs: () => new JobScheduler((job, err) => console.error(`[keyward] background job ${job} failed:`, err)),
};

/** Build a set of services; overrides replace parts (a test's in-memory store, a fixed environment…). */
export function createServices(overrides: Partial<ServiceFactories> = {}): Services {
  const factories: ServiceFactories = { ...defaultFactories, ...overrides } as ServiceFactories;
  const made = new Set<Part>();
  const s = {} as Services;
  for (const part of Object.keys(factories) as Part[]) {
    Object.defineProperty(s, part, {
      configurable: true,
      enumerable: true,
      get() {
        const value = (factories[part] as (s: Services) => unknown)(s);
        // From now on a plain property: the hot path reads it without calling anything.
        Object.defineProperty(s, part, { value, enumerable: true });
        made.add(part);
        return value;
      },
    });
  }
  Object.defineProperty(s, "close", {
    value: async () => {
      // Only what was created is closed, in dependency order: nothing new is started by closing.
      if (made.has("jobs")) s.jobs.stop();
      if (made.has("logWriter")) await s.logWriter.close();
      if (made.has("keyChanges")) await s.keyChanges.close();
      if (made.has("bulkSql")) s.bulkSql.close();
      if (made.has("db")) await s.db.$disconnect();
    },
  });
  return s;
}

// One holder on globalThis, on purpose: Next.js may load this module once per route bundle and again in the
// custom server (scripts/server.ts), and all of them must share one database client, cache and log writer.
const ROOT = Symbol.for("keyward.services");
type Holder = { [ROOT]?: Services };
const holder = globalThis as Holder;

/** The process's services, created from the environment on first use. */
export function services(): Services {
  return (holder[ROOT] ??= createServices());
}

/** Replace the process's services (tests, scripts with their own parts); the previous set is not closed. */
export function installServices(s: Services): void {
  holder[ROOT] = s;
}

/** Close the process's services; the next services() call builds a fresh set (e.g. after the env changed). */
export async function closeServices(): Promise<void> {
  const current = holder[ROOT];
  holder[ROOT] = undefined;
  await current?.close();
}
