import "server-only";
import { performance } from "node:perf_hooks";
import type { Logger } from "../logging/logger";
import type { LogEntry } from "./log-entry";
import { LogSpool } from "./log-spool";
import { describeStorageFailure, isStorageFailure } from "../db/storage-failure";

type Batch = { entries: LogEntry[]; segment: string | null };

type LogWriterOptions = {
  spoolDir: string;
  /** This instance's id (lib/instance): names the spool's segments. */
  instanceId: string;
  logger: Logger;
  /** Writes a batch and returns how many were new (entries already stored are skipped). */
  store: (entries: readonly LogEntry[]) => Promise<number>;
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Told after every attempt to store a batch (metrics): how long it took, how many entries, and whether it failed. */
  onFlush?: (seconds: number, entries: number, failed: boolean) => void;
};

/**
 * The request log's writer: enqueue() buffers the entry and queues it for the spool (one write per event-loop
 * turn); a timer flushes batches to the database in one transaction each. Graceful shutdown flushes everything; a crash leaves the
 * spool, which the next start replays (see LogSpool). Nothing is lost unless the disk itself is.
 */
export class LogWriter {
  private buffer: LogEntry[] = [];
  private retry: Batch[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly spool: LogSpool;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly store: LogWriterOptions["store"];
  private readonly log: Logger;
  private readonly onFlush: NonNullable<LogWriterOptions["onFlush"]>;
  /** Counters for health checks and benchmarks. */
  readonly stats = { enqueued: 0, written: 0, failedFlushes: 0, spoolErrors: 0, replayed: 0 };
  /**
   * An outage of the database or the spool is logged when it starts and when it ends, one line each: a
   * full disk fails every flush (4 a second) and every append, and a line per failure would bury the log.
   */
  private flushOutage: { since: number; failures: number } | null = null;
  private spoolOutage: { since: number; failures: number } | null = null;

  constructor(opts: LogWriterOptions) {
    this.spool = new LogSpool(opts.spoolDir, opts.instanceId);
    this.flushIntervalMs = opts.flushIntervalMs ?? 250;
    this.maxBatch = opts.maxBatch ?? 2000;
    this.store = opts.store;
    this.log = opts.logger;
    this.onFlush = opts.onFlush ?? (() => undefined);
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Record one entry: buffered for the next database flush, and queued for the spool. The promise settles
   * when the entry is in the spool (or the spool failed, which is counted and logged, never thrown: a full
   * disk must not take the API down; the entry still reaches the database from memory).
   */
  enqueue(entry: LogEntry): Promise<void> {
    if (this.closed) throw new Error("log writer is closed");
    const spooled = this.spool.append(entry).then(
      () => this.spoolRecovered(),
      (err: unknown) => this.spoolFailed(err),
    );
    this.buffer.push(entry);
    this.stats.enqueued++;
    // Past maxBatch a flush starts early; while one runs, the timer picks up the rest (no chain per request).
    if (this.buffer.length >= this.maxBatch && !this.flushing) void this.flush();
    return spooled;
  }

  pending(): number {
    return this.buffer.length + this.retry.reduce((n, b) => n + b.entries.length, 0);
  }

  /** Bytes the spool holds on disk (entries not yet confirmed stored). */
  spoolBytes(): number {
    return this.spool.bytesOnDisk();
  }

  /** Write everything buffered so far. Concurrent calls share one flush; entries of a failed flush are retried. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.buffer.length ? this.flush() : undefined));
    if (this.buffer.length === 0 && this.retry.length === 0) return Promise.resolve();
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const batches = [...this.retry];
    this.retry = [];
    if (this.buffer.length > 0) {
      batches.push({ entries: this.buffer, segment: this.spool.cut() });
      this.buffer = [];
    }
    let written = 0;
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      const started = performance.now();
      try {
        // A retried batch may have committed before its error surfaced: the store skips what it already has.
        written += await this.store(batch.entries);
        this.onFlush((performance.now() - started) / 1000, batch.entries.length, false);
      } catch (err) {
        this.onFlush((performance.now() - started) / 1000, batch.entries.length, true);
        this.stats.written += written;
        this.stats.failedFlushes++;
        this.retry.push(...batches.slice(i));
        this.flushFailed(err);
        return;
      }
      // Stored: its spool segment has served (a segment that cannot be deleted yet is retried by the spool).
      if (batch.segment) this.spool.remove(batch.segment);
    }
    this.stats.written += written;
    if (this.flushOutage) {
      const { since, failures } = this.flushOutage;
      this.flushOutage = null;
      this.log.info(
        `request log: database writes recovered after ${failures} failed flush${failures === 1 ? "" : "es"} over ${seconds(Date.now() - since)}; every held entry is stored (${written} new rows)`,
      );
    }
  }

  private flushFailed(err: unknown): void {
    if (this.flushOutage) {
      this.flushOutage.failures++;
      return;
    }
    this.flushOutage = { since: Date.now(), failures: 1 };
    const reason = isStorageFailure(err) ? describeStorageFailure(err) : err;
    this.log.error(
      { err: reason },
      `request log: writing to the database failed; ${this.pending()} entries are held (memory and spool) and retried every ${this.flushIntervalMs} ms`,
    );
  }

  private spoolFailed(err: unknown): void {
    this.stats.spoolErrors++;
    if (this.spoolOutage) {
      this.spoolOutage.failures++;
      return;
    }
    this.spoolOutage = { since: Date.now(), failures: 1 };
    const reason = isStorageFailure(err) ? describeStorageFailure(err) : err;
    this.log.error(
      { err: reason },
      "request log: the spool cannot be written; entries stay in memory until the database takes them (a crash now would lose them)",
    );
  }

  private spoolRecovered(): void {
    if (!this.spoolOutage) return;
    const { since, failures } = this.spoolOutage;
    this.spoolOutage = null;
    this.log.info(
      `request log: the spool is writable again after ${failures} entr${failures === 1 ? "y" : "ies"} could not be spooled over ${seconds(Date.now() - since)}`,
    );
  }

  /** Replay the spool segments a stopped process left (this instance's previous run): all of them, on start. */
  async replayOrphans(): Promise<number> {
    let total = 0;
    for (const segment of this.spool.orphanedSegments()) {
      const entries = LogSpool.read(segment);
      for (let i = 0; i < entries.length; i += this.maxBatch) {
        total += await this.store(entries.slice(i, i + this.maxBatch));
      }
      this.spool.remove(segment);
    }
    this.stats.replayed += total;
    return total;
  }

  /** Stop the timer and flush until nothing is left (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // A flush under way holds entries pending() no longer counts, and its completion may start another:
    // wait until no flush runs and nothing is pending (giving up after 5 failed flushes; the spool keeps them).
    for (let failures = 0; failures < 5;) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      if (this.pending() === 0) break;
      const failedBefore = this.stats.failedFlushes;
      await this.flush();
      if (this.stats.failedFlushes > failedBefore) failures++;
    }
    this.spool.close();
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
