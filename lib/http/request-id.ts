import "server-only";
import { randomFillSync } from "node:crypto";

// One getrandom(2) per 400 ids instead of one per request: it was the guard's largest single cost.
const POOL_IDS = 400;
const ID_BYTES = 10;
const pool = Buffer.alloc(POOL_IDS * ID_BYTES);
let offset = pool.length;

/** A sortable, unguessable request id: time prefix (base36 ms) + 10 random bytes (hex). */
export function newRequestId(now = Date.now()): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.toString("hex", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return `req_${now.toString(36)}${random}`;
}

const ISSUED_ID = new RegExp(`^req_([0-9a-z]{1,11})[0-9a-f]{${ID_BYTES * 2}}$`);
/** The last moment a Date can hold, less an hour: more than any window a lookup adds after an id's time. */
const LATEST_ISSUE_MS = 8.64e15 - 3_600_000;

/**
 * When an id newRequestId issued was made (ms), or null for anything else: the request log finds a request by
 * its id through the time it carries, since its entry is stamped with that same moment (the guard) or just after.
 */
export function requestIdIssuedAt(requestId: string): number | null {
  const match = ISSUED_ID.exec(requestId);
  if (!match) return null;
  const ms = parseInt(match[1]!, 36);
  return ms <= LATEST_ISSUE_MS ? ms : null;
}
