import fs from "node:fs";
import path from "node:path";
import type { LogEntry } from "./log-entry";

/**
 * Append-only spool: every entry is written (one write(2), no fsync) before the request returns, so a killed
 * process (SIGKILL, OOM) loses nothing: the kernel keeps what was written. Segments are named by the owning
 * process id; a segment whose process is gone is replayed into the database on the next start and deleted.
 * A power cut can lose what the disk had not yet received (fdatasync runs on every flush tick).
 */
export class LogSpool {
  private fd: number | null = null;
  private segmentPath: string | null = null;
  private sequence = 0;

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Append one entry to the active segment. Throws when the disk refuses (the caller decides what to do). */
  append(entry: LogEntry): void {
    if (this.fd === null) this.openSegment();
    fs.writeSync(this.fd!, JSON.stringify(entry) + "\n");
  }

  /** Close the active segment and start a new one; returns the closed segment's path (or null if none). */
  cut(): string | null {
    const closed = this.segmentPath;
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.segmentPath = null;
    return closed;
  }

  syncSoon(): void {
    if (this.fd !== null) fs.fdatasync(this.fd, () => undefined);
  }

  remove(segment: string): void {
    fs.rmSync(segment, { force: true });
  }

  /** Segments left by processes that are no longer running (the ones to replay). */
  orphanedSegments(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((name) => name.endsWith(".jsonl"))
      .filter((name) => {
        const pid = Number(name.split("-")[1]);
        return !(pid === process.pid || isAlive(pid));
      })
      .sort()
      .map((name) => path.join(this.dir, name));
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
    const name = `seg-${process.pid}-${Date.now()}-${String(this.sequence++).padStart(6, "0")}.jsonl`;
    this.segmentPath = path.join(this.dir, name);
    this.fd = fs.openSync(this.segmentPath, "a", 0o600);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A killed process whose parent died too can linger as a zombie until something reaps it: it is gone.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
