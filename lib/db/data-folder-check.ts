import "server-only";
import fs from "node:fs";
import path from "node:path";
import { describeStorageFailure, isStorageFailure } from "./storage-failure";

/** Below this much free space a start would fail half-way through a migration: refuse it up front. */
const MIN_FREE_BYTES = 1024 * 1024;

/** A start-up problem an operator fixes outside Keyward: its message is one plain sentence, no stack. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupError";
  }
}

/**
 * A recursive mkdir reports ENOENT for a parent on a read-only or forbidden file system: retry the first
 * missing level alone to learn the real reason (EROFS, EACCES).
 */
function realCode(dir: string, err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== "ENOENT") return code;
  let missing = dir;
  while (!fs.existsSync(path.dirname(missing)) && path.dirname(missing) !== missing) missing = path.dirname(missing);
  try {
    fs.mkdirSync(missing);
    fs.rmdirSync(missing);
    return code;
  } catch (retryErr) {
    return (retryErr as NodeJS.ErrnoException).code ?? code;
  }
}

function explain(dir: string, err: unknown): string {
  const code = realCode(dir, err);
  const where = `Keyward cannot use its data folder ${dir}`;
  const fix = "or set KEYWARD_DATA_DIR to another folder.";
  switch (code) {
    case "EROFS":
      return `${where}: the file system is read-only. Mount it read-write ${fix}`;
    case "EACCES":
    case "EPERM":
      return `${where}: permission denied. Give the user running Keyward write access to it ${fix}`;
    case "ENOSPC":
    case "EDQUOT":
      return `${where}: the disk is full. Free some space ${fix}`;
    case "ENOTDIR":
    case "EEXIST":
      return `${where}: a file stands where a folder should be. Move it away ${fix}`;
    case "ENOENT":
      return `${where}: it does not exist and cannot be created there. Create it ${fix}`;
    default:
      return `${where} (${code ?? "error"}: ${(err as Error).message}). Check the folder ${fix}`;
  }
}

/**
 * Check, before anything else touches it, that the data folder exists (creating it owner-only) and can take
 * writes: a probe file, the database files, and some free space. Throws a StartupError whose message says
 * what is wrong and how to fix it, instead of a migration stack trace.
 */
export function assertDataFolderWritable(dir: string, files: readonly string[] = []): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    const probe = path.join(dir, `.keyward-write-test-${process.pid}`);
    fs.writeFileSync(probe, "ok");
    fs.rmSync(probe, { force: true });
    for (const file of files) {
      // An existing file must be writable in place (a read-only database would fail the first write).
      if (fs.existsSync(file)) fs.closeSync(fs.openSync(file, "r+"));
    }
  } catch (err) {
    throw new StartupError(explain(dir, err), { cause: err });
  }
  const stats = fs.statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  if (free < MIN_FREE_BYTES) {
    throw new StartupError(
      `Keyward cannot use its data folder ${dir}: the disk is full (${Math.floor(free / 1024)} KiB free). Free some space or set KEYWARD_DATA_DIR to another folder.`,
    );
  }
}

/** The sentence to print when start-up failed: ours as is, storage failures plainly, null for anything else. */
export function startupFailureSentence(err: unknown, dir: string): string | null {
  if (err instanceof StartupError) return err.message;
  if (isStorageFailure(err)) {
    return `Keyward cannot write to its database in ${dir} (${describeStorageFailure(err)}). Check that the folder is writable and has free space.`;
  }
  return null;
}
