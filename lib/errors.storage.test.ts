import { describe, expect, it, test } from "vitest";
import { ERROR_STATUS, toApiError, toErrorResponse } from "./errors";
import { ERROR_MEANINGS } from "./error-meanings";
import { StorageTimeoutError } from "./db/storage-failure";
import { captureLogs, overrideServices } from "@/test/fixtures";

/** An error shaped like better-sqlite3's SqliteError, Node's fs errors, etc. */
const coded = (code: string, message = `${code} happened`) => Object.assign(new Error(message), { code });

const MESSAGE =
  "Storage unavailable: the server cannot write to its database right now (disk full, read-only or busy). Nothing was changed; retry in a few seconds.";

describe("storage failures map to 503 storage_unavailable", () => {
  test.each([
    ["SQLite: disk full", coded("SQLITE_FULL", "database or disk is full")],
    ["SQLite: I/O error (extended code)", coded("SQLITE_IOERR_WRITE", "disk I/O error")],
    ["SQLite: read-only database", coded("SQLITE_READONLY", "attempt to write a readonly database")],
    ["SQLite: database moved", coded("SQLITE_READONLY_DBMOVED")],
    ["SQLite: cannot open", coded("SQLITE_CANTOPEN", "unable to open database file")],
    ["SQLite: busy", coded("SQLITE_BUSY", "database is locked")],
    [
      "Prisma adapter: DriverAdapterError for SQLITE_BUSY",
      Object.assign(new Error("SocketTimeout"), {
        name: "DriverAdapterError",
        cause: { kind: "SocketTimeout", originalCode: "SQLITE_BUSY", originalMessage: "database is locked" },
      }),
    ],
    [
      "Prisma client: P1008 carrying the adapter's error",
      Object.assign(new Error("Operation has timed out"), {
        code: "P1008",
        meta: { driverAdapterError: { cause: { kind: "SocketTimeout", originalCode: "SQLITE_BUSY" } } },
      }),
    ],
    ["spool: ENOSPC", coded("ENOSPC", "no space left on device")],
    ["spool: EROFS", coded("EROFS", "read-only file system")],
    ["spool: EACCES", coded("EACCES", "permission denied")],
    ["our bound: StorageTimeoutError", new StorageTimeoutError("starting a transaction", 500)],
    ["wrapped as a cause", new Error("create failed", { cause: coded("SQLITE_FULL") })],
  ])("%s", (_label, err) => {
    const apiError = toApiError(err);
    expect(apiError.code).toBe("storage_unavailable");
    expect(apiError.status).toBe(503);
    expect(apiError.message).toBe(MESSAGE);
    expect(apiError.headers).toEqual({ "Retry-After": "5" });
    expect(apiError.cause).toBe(err);
  });

  test.each([
    ["a constraint violation", coded("SQLITE_CONSTRAINT_NOTNULL")],
    ["a missing file", coded("ENOENT")],
    ["a plain bug", new TypeError("x is undefined")],
  ])("%s stays a 500", (_label, err) => {
    expect(toApiError(err).code).toBe("internal_error");
  });

  it("answers with the whole error body, Retry-After, and logs one line without a stack", async () => {
    const { logger, events } = captureLogs();
    const restore = overrideServices({ logger: () => logger });
    let res: Response;
    try {
      res = toErrorResponse(coded("SQLITE_FULL", "database or disk is full"), "req_test1");
    } finally {
      restore();
    }
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("x-request-id")).toBe("req_test1");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      error: {
        code: "storage_unavailable",
        message: MESSAGE,
        requestId: "req_test1",
        docs: "/docs#errors-storage_unavailable",
      },
    });
    expect(events().map(({ level, msg, err }) => ({ level, msg, err }))).toEqual([
      {
        level: "error",
        msg: "request req_test1: storage unavailable (SQLITE_FULL: database or disk is full)",
        err: undefined,
      },
    ]);
  });

  it("is in the code table and documented on the docs page", () => {
    expect(ERROR_STATUS.storage_unavailable).toBe(503);
    expect(ERROR_MEANINGS.storage_unavailable).toMatch(/disk is full or read-only/);
  });
});
