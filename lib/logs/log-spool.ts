import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { LogEntry } from "./log-entry";

// Spools alive in this process (several module copies may load this file: Next bundles, the custom server).
const LIVE = Symbol.for("keyward.liveSpools");
const liveSpools = ((globalThis as { [LIVE]?: Set<string> })[LIVE] ??= new Set<string>());

/**
 * Append-only spool: every entry is written (write(2), no fsync) before its request's response is returned,
 * so a killed process (SIGKILL, OOM) loses nothing: the kernel keeps what was written. The first append of an
 * event-loop turn is written at once (a lone request never waits for the turn to end, nor for whatever timers
 * run in it); the appends that follow it in the same turn share one write at the turn's end (group commit, as
 * databases do: under load a write(2) per request cost more than the rest of the guard together). No fsync: it would make every append wait behind the disk (it cost the
 * API ~5% of its throughput). A power cut can therefore lose what neither the disk nor the database had yet
 * (about the last second).
 *
 * The spool folder belongs to one instance: its data folder is claimed by one live process (lib/instance).
 * Segments are named `seg-<instance id>-<spool>-<ms>-<sequence>.jsonl`; every segment that no live spool of
 * this process is writing is left by a stopped process, and is replayed into the database on start.
 */
export class LogSpool {
  private fd: number | null = null;
  private segmentPath: string | null = null;
  private sequence = 0;
  private pending: string[] = [];
  /** An entry was written at once in this event-loop turn: the turn's later ones wait and share one write. */
  private wroteThisTurn = false;
  private written: Promise<void> | null = null;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | null = null;
  /** A write failed part-way: the segment may end in a partial line, so the next write starts a new one. */
  private torn = false;
  /** Segments whose entries are stored but that could not be deleted yet (read-only folder): retried. */
  private readonly undeleted = new Set<string>();
  /** This spool's own mark in its segment names: what it wrote is never replayed while it lives. */
  private readonly session = randomBytes(4).toString("hex");

  constructor(
    private readonly dir: string,
    private readonly instanceId: string,
  ) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    liveSpools.add(this.session);
  }

  /**
   * Write one entry to the active segment. The promise settles once it is written (at once for the first entry
   * of an event-loop turn, at the turn's end for the others), and rejects when the disk refuses (the caller
   * decides what to do).
   */
  append(entry: LogEntry): Promise<void> {
    const line = JSON.stringify(entry) + "\n";
    if (!this.wroteThisTurn) {
      this.wroteThisTurn = true;
      setImmediate(this.endTurn);
      try {
        this.write(line);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err);
      }
    }
    this.pending.push(line);
    if (!this.written) {
      this.written = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
      // A rejection nobody awaits must not crash the process: the writer counts spool errors itself.
      this.written.catch(() => undefined);
      setImmediate(() => this.drain());
    }
    return this.written;
  }

  private readonly endTurn = () => {
    this.wroteThisTurn = false;
  };

  /** Write everything queued, in one write(2). */
  drain(): void {
    const settle = this.settle;
    const lines = this.pending;
    this.pending = [];
    this.written = null;
    this.settle = null;
    if (lines.length === 0) {
      settle?.resolve();
      return;
    }
    try {
      this.write(lines.join(""));
      settle?.resolve();
    } catch (err) {
      settle?.reject(err);
    }
  }

  private write(text: string): void {
    try {
      if (this.fd === null) this.openSegment();
      writeFully(this.fd!, (this.torn ? "\n" : "") + text);
      this.torn = false;
    } catch (err) {
      // ENOSPC can strike mid-write: a torn line is skipped on replay, as long as nothing is appended to it.
      this.torn = this.fd !== null;
      throw err;
    }
  }

  /** Close the active segment (after writing what is queued) and start a new one; returns the closed path. */
  cut(): string | null {
    this.drain();
    const closed = this.segmentPath;
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.segmentPath = null;
    return closed;
  }

  /** Close the active segment; what is left in the folder is replayed by the next start. */
  close(): void {
    this.cut();
    liveSpools.delete(this.session);
  }

  /** Delete a segment whose entries are stored. Never throws: one that cannot go yet is retried next time. */
  remove(segment: string): void {
    this.undeleted.add(segment);
    for (const s of this.undeleted) {
      try {
        fs.rmSync(s, { force: true });
        this.undeleted.delete(s);
      } catch {
        // Still read-only: replaying it later is harmless (stored request ids are skipped).
      }
    }
  }

  /**
   * Segments no live spool of this process is writing: left by a stopped process (this instance's previous
   * run, or a spool of this process that closed before its flush succeeded). Older releases named segments
   * `seg-<pid>-…`: those are all from stopped processes too, since the data folder is claimed.
   */
  orphanedSegments(): string[] {
    return this.segmentNames()
      .filter((name) => !liveSpools.has(name.split("-")[2] ?? ""))
      .sort()
      .map((name) => path.join(this.dir, name));
  }

  /** Bytes on disk in the spool folder (segments not yet stored, and the active one). */
  bytesOnDisk(): number {
    let total = 0;
    for (const name of this.segmentNames()) {
      try {
        total += fs.statSync(path.join(this.dir, name)).size;
      } catch {
        // Removed between the listing and the stat: stored meanwhile.
      }
    }
    return total;
  }

  private segmentNames(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((name) => name.endsWith(".jsonl"));
    } catch {
      return [];
    }
  }

  /** Read a segment; a torn last line (the process died mid-write) is skipped. */
  static read(segment: string): LogEntry[] {
    const entries: LogEntry[] = [];
    for (const line of fs.readFileSync(segment, "utf8").split("\n")) {
      if (!line) continue;
      try {
        entries.push(JSON.parse(line) as LogEntry);
      } catch {
        // Only the last line of a segment can be torn; nothing else to do with it.
      }
    }
    return entries;
  }

  private openSegment(): void {
    const name = `seg-${this.instanceId}-${this.session}-${Date.now()}-${String(this.sequence++).padStart(6, "0")}.jsonl`;
    this.segmentPath = path.join(this.dir, name);
    this.fd = fs.openSync(this.segmentPath, "a", 0o600);
  }
}

/** write(2) may write less than asked (a disk filling up): write the rest, or throw. */
function writeFully(fd: number, text: string): void {
  // The string goes to write(2) as it is: Node encodes it into a buffer of its own. A Buffer.from first cost the
  // writer two fifths of its time per entry (a second copy of every turn's lines).
  const written = fs.writeSync(fd, text);
  if (written === Buffer.byteLength(text)) return;
  const data = Buffer.from(text);
  for (let offset = written; offset < data.length;) offset += fs.writeSync(fd, data, offset);
}
