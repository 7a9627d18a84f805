import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";

/** This Keyward instance: a stable id kept in its data folder, which this process holds exclusively. */
export type Instance = { readonly id: string; readonly dataDir: string };

/** Who holds a data folder, as the holder wrote it down (for the refusal message and for operators). */
export type InstanceHolder = { instanceId: string; pid: number; host: string; startedAt: string };

const ID_FILE = "instance-id";
const LOCK_FILE = "instance.lock";
const HOLDER_FILE = "instance.lock.json";
const LOCK_WAIT_MS = 5000;

export class InstanceLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: InstanceHolder | null,
  ) {
    const who = holder
      ? `Keyward process ${holder.pid} on host ${holder.host} (started ${holder.startedAt})`
      : "another Keyward process";
    super(
      `The data folder ${dataDir} is in use by ${who}. Each instance needs its own data folder (it keeps that ` +
        `instance's request log spool): stop that process, or give this one another KEYWARD_DATA_DIR.`,
    );
    this.name = "InstanceLockedError";
  }
}

type Held = { instance: Instance; lock: Database.Database };
const HELD = Symbol.for("keyward.heldInstances");
const held = ((globalThis as { [HELD]?: Map<string, Held> })[HELD] ??= new Map<string, Held>());

/**
 * Claim the data folder for this process, for the rest of its life, and return the instance's identity.
 *
 * The lock is an exclusive SQLite lock (an OS file lock) on `instance.lock`, held by an open connection: the
 * kernel releases it when the process ends, however it ends (SIGKILL, OOM, power loss), so a stopped
 * instance's folder is free again at once and a live one's can never be taken. No guessing from pids, which
 * are reused, differ across containers and say nothing about other hosts. The holder's pid, host and start
 * time are written beside it, to name the holder when a second process is refused (after waiting up to 5 s,
 * in case the holder is on its way out).
 *
 * Claiming again in the same process returns the same instance (a dev-server reload, a second services set).
 */
export function claimInstance(dataDir: string): Instance {
  const dir = path.resolve(dataDir);
  const existing = held.get(dir);
  if (existing) return existing.instance;

  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A holder that is exiting (a restart right after a kill) gets a few seconds to let go.
  const lock = new Database(path.join(dir, LOCK_FILE), { timeout: LOCK_WAIT_MS });
  try {
    // EXCLUSIVE locking mode keeps the lock after the transaction; the open transaction takes it right away.
    // Nothing is ever written there, so no journal file either.
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.pragma("journal_mode = OFF");
    lock.exec("BEGIN EXCLUSIVE");
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY") throw new InstanceLockedError(dir, readHolder(dir));
    throw err;
  }
  fs.chmodSync(path.join(dir, LOCK_FILE), 0o600);
  const instance: Instance = { id: readOrCreateId(dir), dataDir: dir };
  const holder: InstanceHolder = {
    instanceId: instance.id,
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
  };
  writeAtomically(path.join(dir, HOLDER_FILE), JSON.stringify(holder, null, 2));
  held.set(dir, { instance, lock });
  return instance;
}

/** The recorded holder of a data folder, or null when none was recorded (or the record is unreadable). */
export function readHolder(dataDir: string): InstanceHolder | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, HOLDER_FILE), "utf8")) as InstanceHolder;
  } catch {
    return null;
  }
}

/** The id is created once per data folder (under the lock, so never twice) and kept: restarts keep the identity. */
function readOrCreateId(dir: string): string {
  const file = path.join(dir, ID_FILE);
  try {
    const id = fs.readFileSync(file, "utf8").trim();
    if (/^[A-Za-z0-9]{1,64}$/.test(id)) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const id = randomBytes(8).toString("hex");
  writeAtomically(file, `${id}\n`);
  return id;
}

function writeAtomically(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode: 0o600 });
  fs.renameSync(temp, file);
}
