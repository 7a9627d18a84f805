import net from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import { loadEnv, type Env } from "@/lib/config/env";
import type { LogEntry } from "@/lib/logs/log-entry";
import type { LogWriter } from "@/lib/logs/log-writer";
import { RedisLink } from "@/lib/redis/redis-link";
import { createServices, installServices, services, type Services } from "@/lib/services";

/** The Redis of this run (test/redis-global-setup.ts), e.g. redis://127.0.0.1:6379/15. */
export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set: run the Redis tests with npm run test:redis");
  return url;
}

export type Instance = Services & {
  /** The lines this instance's Redis link reported (state changes). */
  readonly redisLog: string[];
  /** The request-log entries this instance's guard recorded. */
  readonly logged: LogEntry[];
};

/**
 * A set of services as another Keyward instance would build it: its own Redis connections (to `redisUrl`, by
 * default the run's Redis, or a test's proxy in front of it), the same database and prefix as every other
 * instance of the file. The request log goes to memory: two writers must not share one spool folder.
 * redisTimeoutMs: tests of sharing (not of outages) give Redis more time, so a test machine starved of CPU
 * cannot turn a slow answer into a fallback that changes the counts.
 */
export function instance(opts: { redisUrl?: string; env?: Partial<Env>; redisTimeoutMs?: number } = {}): Instance {
  const env: Env = { ...loadEnv(), ...opts.env, REDIS_URL: opts.redisUrl ?? testRedisUrl() };
  const redisLog: string[] = [];
  const logged: LogEntry[] = [];
  const writer = {
    enqueue: async (entry: LogEntry) => void logged.push(entry),
    close: async () => {},
  } as unknown as LogWriter;
  const s = createServices({
    env: () => env,
    redis: (s) =>
      new RedisLink({
        url: s.env.REDIS_URL!,
        prefix: s.env.KEYWARD_REDIS_PREFIX,
        timeoutMs: opts.redisTimeoutMs,
        log: (_level, line) => {
          redisLog.push(line);
          console.log(`${s.env.REDIS_URL}: ${line}`);
        },
      }),
    logWriter: () => writer,
  });
  return Object.assign(s, { redisLog, logged });
}

/** Wait until an instance shares through Redis: connected, and its key cache subscribed to key changes. */
export async function connected(s: Services): Promise<void> {
  void s.keyCache;
  await waitFor(() => s.redis?.state === "up", `${s.env.REDIS_URL} connected`);
  await (s.keyChanges as { subscribed?: Promise<void> }).subscribed;
}

/** Run fn as if in instance s (route handlers and lib/ functions reach their services through services()). */
export async function asInstance<T>(s: Services, fn: () => Promise<T>): Promise<T> {
  const previous = services();
  installServices(s);
  try {
    return await fn();
  } finally {
    installServices(previous);
  }
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Let pending I/O (a pub/sub message) be handled, as a server does between requests. */
export const yieldToIo = () => nextTurn();

/**
 * A TCP proxy in front of Redis that a test can cut (connections dropped, new ones refused), stall (connections
 * held open, nothing forwarded: a hung network) and restore, on the same port throughout.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket; held: (() => void)[] }>();
  private stalled = false;
  private port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static forUrl(url: string): TcpProxy {
    const u = new URL(url);
    return new TcpProxy({ host: u.hostname, port: Number(u.port || 6379) });
  }

  /** The same Redis URL (database included) through this proxy. */
  url(redisUrl: string): string {
    const u = new URL(redisUrl);
    u.hostname = "127.0.0.1";
    u.port = String(this.port);
    return u.toString();
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Drop every connection and refuse new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    this.stalled = false;
    this.release();
    if (!this.server) await this.start();
  }

  /** Keep connections open but forward nothing (what was sent is delivered, in order, on unstall()). */
  stall(): void {
    this.stalled = true;
  }

  unstall(): void {
    this.stalled = false;
    this.release();
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private release(): void {
    for (const pair of this.pairs) for (const send of pair.held.splice(0)) send();
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = { client, upstream, held: [] as (() => void)[] };
    this.pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on("data", (chunk) => {
        const send = () => to.write(chunk);
        if (this.stalled) pair.held.push(send);
        else send();
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", end);
    }
  }
}
