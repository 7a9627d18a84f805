import "server-only";
import { Redis, type RedisOptions } from "ioredis";

/** How long a Redis operation may take before it counts as failed (Redis answers in well under 1 ms). */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** After a failed command, Redis is left alone this long before one request tries it again. */
const PAUSE_AFTER_FAILURE_MS = 1000;

/**
 * Connection options that make a dead Redis an immediate, local answer instead of a waiting request: nothing
 * queues while disconnected, a command in flight when the connection drops fails at once, and reconnection is
 * retried forever, at most one second apart, so sharing resumes on its own when Redis returns. A stalled Redis
 * is cut short by RedisLink.run's deadline; ioredis' own command timeout only clears out what never gets an answer.
 */
export const FAIL_FAST_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 10_000,
  connectTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
  // Subscriptions are renewed by their owner (RedisKeyChangeBus), which must know when they are live again.
  autoResubscribe: false,
};

export type RedisState = "connecting" | "up" | "down";

export type RedisLinkOptions = {
  url: string;
  /** Every key and channel name starts with this, so several deployments (or test runs) can share one Redis. */
  prefix: string;
  /** How long run() waits for an answer (REDIS_COMMAND_TIMEOUT_MS unless a test needs otherwise). */
  timeoutMs?: number;
  /** Where state changes are reported: one line each, never one per request. */
  log?: (level: "info" | "warn", line: string) => void;
  /** Told each change between up and down (the readiness gauge). */
  onStateChange?: (state: RedisState) => void;
};

/**
 * The connection an instance uses for what it shares with the others (rate-limit counters, key-change
 * announcements), and the one judgement of whether to use Redis right now (tryUse). Callers told no use their
 * per-instance fallback; the link reports each change between shared and per-instance once.
 */
export class RedisLink {
  readonly client: Redis;
  readonly prefix: string;
  private current: RedisState = "connecting";
  private pausedUntil = 0;
  private probing = false;
  private closing = false;
  private readonly log: (level: "info" | "warn", line: string) => void;
  private readonly timeoutMs: number;
  /** Settles when the first connection attempt succeeded or failed, so the first requests share their counts. */
  readonly settled: Promise<void>;

  constructor(private readonly options: RedisLinkOptions) {
    this.prefix = options.prefix;
    this.timeoutMs = options.timeoutMs ?? REDIS_COMMAND_TIMEOUT_MS;
    this.log = options.log ?? ((level, line) => (level === "warn" ? console.warn(line) : console.log(line)));
    this.client = new Redis(options.url, FAIL_FAST_OPTIONS);
    this.settled = new Promise<void>((resolve) => {
      const done = () => resolve();
      this.client.once("ready", done);
      this.client.once("error", done);
      this.client.once("end", done);
      setTimeout(done, (FAIL_FAST_OPTIONS.connectTimeout ?? 2000) + 100).unref();
    });
    this.client.on("ready", () => this.markUp());
    this.client.on("error", (err: Error) => this.markDown(err.message));
    this.client.on("close", () => this.markDown("connection closed"));
  }

  get state(): RedisState {
    return this.current;
  }

  /**
   * Whether this caller should use Redis now. Connected and healthy: yes. Connected but down after a failed
   * command (a stalled server or network): one caller at a time, at most once a second, is told yes and probes
   * with its own operation; everyone else counts locally meanwhile, so a stalled Redis keeps at most one request
   * per second per instance waiting. A yes must be followed by run().
   */
  tryUse(): boolean {
    if (this.client.status !== "ready") return false;
    if (this.current === "up") return true;
    if (this.probing || Date.now() < this.pausedUntil) return false;
    this.probing = true;
    return true;
  }

  /**
   * Run one Redis operation with a deadline, reporting the outcome to the link: a failure or a missed deadline
   * marks Redis down (see tryUse()), a success marks it up. When the deadline passes, the answer gets one more turn of the
   * event loop: a busy process runs its timers before it reads its sockets, and an answer already waiting there
   * is not a stalled Redis.
   */
  run<T>(operation: () => Promise<T>, isAnswer: (err: unknown) => boolean = () => false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(
        () =>
          setImmediate(() =>
            settle(() => {
              const err = new Error(`no answer within ${this.timeoutMs} ms`);
              this.commandFailed(err);
              reject(err);
            }),
          ),
        this.timeoutMs,
      );
      operation().then(
        (value) =>
          settle(() => {
            this.commandSucceeded();
            resolve(value);
          }),
        (err: unknown) =>
          settle(() => {
            if (isAnswer(err)) this.commandSucceeded();
            else this.commandFailed(err);
            reject(err);
          }),
      );
    });
  }

  /** A second connection with the same options (pub/sub needs one of its own). */
  duplicate(): Redis {
    return new Redis(this.options.url, FAIL_FAST_OPTIONS);
  }

  private commandSucceeded(): void {
    this.probing = false;
    if (this.current !== "up") this.markUp();
  }

  /** A command failed (timeout, dropped connection…): stop trying for a moment so requests do not queue on it. */
  private commandFailed(err: unknown): void {
    this.probing = false;
    this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
    this.markDown(err instanceof Error ? err.message : String(err));
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.client.status === "ready") await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  private markUp(): void {
    if (this.closing || this.current === "up") return;
    const previous = this.current;
    this.current = "up";
    this.pausedUntil = 0;
    this.options.onStateChange?.("up");
    // The first connection is not news (the server says at start that it shares through Redis; a script's
    // --json output must stay clean); coming back after an outage is.
    if (previous === "down") {
      this.log(
        "info",
        "Redis is reachable again: rate limits and sign-in throttles are shared across instances again.",
      );
    }
  }

  private markDown(reason: string): void {
    if (this.closing || this.current === "down") return;
    this.current = "down";
    this.options.onStateChange?.("down");
    this.log(
      "warn",
      `Redis is unreachable (${reason || "no answer"}): rate limits and sign-in throttles count per ` +
        "instance until it returns, and key changes reach other instances only when their key cache entries " +
        "expire. Reconnecting in the background.",
    );
  }
}
