import "server-only";
/**
 * Storage failures: the database or the data folder cannot take a write (disk full, read-only, I/O error,
 * locked past our bound). They are a state of the machine, not a bug in the request, and they clear without
 * a restart, so the edges answer them with 503 storage_unavailable (lib/errors.ts) instead of a 500.
 *
 * Errors reach us in several wrappers: better-sqlite3's SqliteError (`code: "SQLITE_FULL"`), the Prisma
 * adapter's DriverAdapterError (`cause.originalCode`), Prisma's user-facing errors
 * (`meta.driverAdapterError.cause.originalCode`), Node's fs errors (`code: "ENOSPC"`), each possibly as the
 * `cause` of another error. storageFailureCode() looks through all of them.
 */

/** SQLite result codes (primary; extended codes such as SQLITE_IOERR_WRITE match by prefix). */
const SQLITE_STORAGE_CODES = ["SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_BUSY"];
/** errno codes from the spool, the secrets file or the data folder. */
const ERRNO_STORAGE_CODES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO"]);

export const STORAGE_TIMEOUT_CODE = "KEYWARD_STORAGE_TIMEOUT";

/** Thrown when a write waited for the database longer than its bound (lock held in or outside this process). */
export class StorageTimeoutError extends Error {
  readonly code = STORAGE_TIMEOUT_CODE;
  constructor(what: string, waitedMs: number, cause?: unknown) {
    super(`${what}: the database stayed locked for ${waitedMs} ms`, { cause });
    this.name = "StorageTimeoutError";
  }
}

function isStorageCode(code: string): boolean {
  if (code === STORAGE_TIMEOUT_CODE || ERRNO_STORAGE_CODES.has(code)) return true;
  return SQLITE_STORAGE_CODES.some((c) => code === c || code.startsWith(`${c}_`));
}

/** The codes an error carries, outermost first, through causes and Prisma's wrappers. */
function* codesOf(err: unknown, depth = 0): Generator<string> {
  if (!err || typeof err !== "object" || depth > 6) return;
  const e = err as {
    code?: unknown;
    originalCode?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (typeof e.code === "string") yield e.code;
  if (typeof e.originalCode === "string") yield e.originalCode;
  if (e.meta && typeof e.meta === "object") yield* codesOf(e.meta.driverAdapterError, depth + 1);
  if (e.cause !== err) yield* codesOf(e.cause, depth + 1);
}

/** The storage failure's code (e.g. "SQLITE_FULL", "ENOSPC"), or undefined when err is something else. */
export function storageFailureCode(err: unknown): string | undefined {
  for (const code of codesOf(err)) if (isStorageCode(code)) return code;
  return undefined;
}

export function isStorageFailure(err: unknown): boolean {
  return storageFailureCode(err) !== undefined;
}

/** SQLITE_BUSY and its extended codes: another connection holds the lock; worth waiting for (briefly). */
export function isBusy(err: unknown): boolean {
  for (const code of codesOf(err)) if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_")) return true;
  return false;
}

/** One line for the server log: "SQLITE_FULL: database or disk is full" (no stack: the state is the news). */
export function describeStorageFailure(err: unknown): string {
  const code = storageFailureCode(err) ?? "unknown";
  let message = "";
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const o = e as { message?: unknown; originalMessage?: unknown; cause?: unknown };
    if (typeof o.originalMessage === "string") message = o.originalMessage;
    else if (typeof o.message === "string" && o.message) message = o.message;
    if (message && !/^Operation has timed out$/.test(message)) break;
    e = o.cause;
  }
  const first = message.split("\n")[0] ?? "";
  // Node's fs errors already start with their code ("ENOSPC: no space left on device, write").
  return (first.startsWith(`${code}:`) ? first : `${code}: ${first}`).trim();
}

/** Resolve after ms (a pause between retries that lets the rest of the server run). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Run fn until it stops failing with SQLITE_BUSY or the bound passes, pausing between tries. SQLite's own
 * busy handler would sleep inside the call and freeze the whole event loop (and with it the transaction
 * that holds the lock, when that is ours); waiting here keeps the server answering while the lock clears.
 */
export async function retryWhileBusy<T>(what: string, boundMs: number, fn: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err)) throw err;
      const waited = Date.now() - started;
      if (waited >= boundMs) throw new StorageTimeoutError(what, waited, err);
      await sleep(Math.min(2 ** attempt, 25, boundMs - waited));
    }
  }
}
