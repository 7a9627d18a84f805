import "server-only";
import path from "node:path";
import { loadEnv, type Env } from "./config/env";
import { loadServerSecrets, type ServerSecrets } from "./config/server-secrets";
import { createPrismaClient, type Db } from "./db/create-prisma-client";
import { openLogDb, type LogDb } from "./db/log-db";
import { claimInstance, type Instance } from "./instance/instance";
import { PrismaJobLeases } from "./jobs/job-leases";
import { JobScheduler } from "./jobs/scheduler";
import { KeyCache, loadCachedKey } from "./keys/key-cache";
import { LocalKeyChangeBus, type KeyChangeBus } from "./keys/key-change-bus";
import { RedisKeyChangeBus } from "./keys/redis-key-change-bus";
import type { LogEntry } from "./logs/log-entry";
import { storeLogBatch } from "./logs/log-store";
import { LogWriter } from "./logs/log-writer";
import { createLogger, type Logger } from "./logging/logger";
import { Metrics } from "./metrics/metrics";
import { databaseCheck, redisCheck, type ReadinessCheck } from "./ops/readiness";
import { AuthThrottle, authLimits } from "./rate-limit/auth-throttle";
import { memoryCounters, redisCounters, type CounterStore } from "./rate-limit/counter-store";
import { PerMinuteRateLimiter, type RateLimiter } from "./rate-limit/rate-limiter";
import { RedisLink } from "./redis/redis-link";
import { WebhookDispatcher } from "./webhooks/dispatcher";

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
  /** The server's own output (pino): JSON lines, or readable lines at a terminal. Never the request log. */
  readonly logger: Logger;
  /** This instance's identity; building it claims the data folder for this process (a second one is refused). */
  readonly instance: Instance;
  readonly metrics: Metrics;
  /** What GET /api/ready checks; a shared dependency (Redis) adds its check here. */
  readonly readiness: readonly ReadinessCheck[];
  readonly secrets: ServerSecrets;
  readonly db: Db;
  /** The request log's query layer (Kysely, SQLite or PostgreSQL dialect, as the database URL says). */
  readonly logDb: LogDb;
  readonly logStore: LogStore;
  readonly logWriter: LogWriter;
  readonly keyCache: KeyCache;
  readonly keyChanges: KeyChangeBus;
  /** The connection to what instances share (REDIS_URL); null for a single instance. */
  readonly redis: RedisLink | null;
  /** Where rate-limit and throttle counts live: this process's memory, or Redis with a per-instance fallback. */
  readonly counters: CounterStore;
  readonly rateLimiter: RateLimiter;
  readonly authThrottle: AuthThrottle;
  readonly jobs: JobScheduler;
  /** Sends queued webhook deliveries (lib/webhooks): kicked after key changes, and by a once-per-cluster job. */
  readonly webhooks: WebhookDispatcher;
  /** Stop jobs, flush the request log, and close connections (graceful shutdown, end of a script or test file). */
  close(): Promise<void>;
};

type Part = Exclude<keyof Services, "close">;
export type ServiceFactories = { [K in Part]: (s: Services) => Services[K] };

const defaultFactories: ServiceFactories = {
  env: () => loadEnv(),
  logger: (s) => createLogger(s.env),
  instance: (s) => claimInstance(s.env.dataDir),
  metrics: (s) =>
    new Metrics({
      logQueueDepth: () => s.logWriter.pending(),
      logSpoolBytes: () => s.logWriter.spoolBytes(),
      logEntriesWritten: () => s.logWriter.stats.written,
      keyCache: () => s.keyCache.stats,
    }),
  readiness: (s) => [databaseCheck(() => s.db), ...(s.redis ? [redisCheck(s.redis)] : [])],
  secrets: (s) => loadServerSecrets(s.env),
  db: (s) => createPrismaClient(s.env.databaseUrl, { poolSize: s.env.KEYWARD_PG_POOL_SIZE }),
  logDb: (s) =>
    openLogDb(s.env.databaseUrl, {
      poolSize: s.env.KEYWARD_PG_POOL_SIZE,
      onPoolError: (err) => s.logger.warn({ err }, "the log database closed an idle connection; it is replaced"),
    }),
  logStore: (s) => ({ storeBatch: (entries) => storeLogBatch(s.logDb, entries) }),
  logWriter: (s) => {
    const writer = new LogWriter({
      spoolDir: path.join(s.instance.dataDir, "log-spool"),
      instanceId: s.instance.id,
      logger: s.logger,
      flushIntervalMs: s.env.KEYWARD_LOG_FLUSH_MS,
      store: (entries) => s.logStore.storeBatch(entries),
      onFlush: (seconds, _entries, failed) => s.metrics.logFlushed(seconds, failed),
    });
    writer.start();
    return writer;
  },
  keyCache: (s) => {
    const cache = new KeyCache((keyId) => loadCachedKey(s.db, keyId), { ttlMs: s.env.keyCacheTtlMs });
    s.keyChanges.onChange((keyId) => (keyId === null ? cache.clear() : cache.invalidate(keyId)));
    return cache;
  },
  keyChanges: (s) => (s.redis ? new RedisKeyChangeBus(s.redis) : new LocalKeyChangeBus()),
  redis: (s) =>
    s.env.REDIS_URL
      ? new RedisLink({
          url: s.env.REDIS_URL,
          prefix: s.env.KEYWARD_REDIS_PREFIX,
          log: (level, line) => s.logger[level](line),
          onStateChange: (state) => s.metrics.setDependencyUp("redis", state === "up"),
        })
      : null,
  counters: (s) => (s.redis ? redisCounters(s.redis) : memoryCounters),
  rateLimiter: (s) => new PerMinuteRateLimiter(s.counters),
  authThrottle: (s) => new AuthThrottle(authLimits(s.env.KEYWARD_SIGNUP_LIMIT_PER_HOUR), s.counters),
  jobs: (s) =>
    new JobScheduler({
      leases: new PrismaJobLeases(() => s.db),
      holder: s.instance.id,
      onError: (job, err) => s.logger.error({ err, job }, `background job ${job} failed`),
      onRun: (job) => s.metrics.jobRan(job),
    }),
  webhooks: (s) =>
    new WebhookDispatcher({
      db: () => s.db,
      pepper: () => s.secrets.secretPepper,
      timeoutMs: s.env.KEYWARD_WEBHOOK_TIMEOUT_MS,
      concurrency: s.env.KEYWARD_WEBHOOK_CONCURRENCY,
      allowPrivate: s.env.KEYWARD_WEBHOOK_ALLOW_PRIVATE === "1",
      onError: (err) => s.logger.error({ err }, "webhook dispatch failed"),
    }),
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
      if (made.has("webhooks")) s.webhooks.stop();
      if (made.has("logWriter")) await s.logWriter.close();
      if (made.has("keyChanges")) await s.keyChanges.close();
      if (made.has("redis")) await s.redis?.close();
      if (made.has("logDb")) await s.logDb.close();
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

/**
 * At server start: subscribe to key changes and make the first connection to Redis before requests arrive, so the
 * first requests are counted where every instance counts them (nothing to do for a single instance).
 */
export async function connectShared(s: Services = services()): Promise<void> {
  if (!s.redis) return;
  void s.keyCache; // the cache subscribes to the key-change bus when it is built
  await s.redis.settled;
  if (s.redis.state === "up") {
    s.logger.info(
      `Redis connected (prefix ${s.env.KEYWARD_REDIS_PREFIX}): key changes, rate limits and sign-in ` +
        "throttles are shared with the other instances.",
    );
  }
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
