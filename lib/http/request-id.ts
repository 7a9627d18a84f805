import { randomBytes } from "node:crypto";

/** A sortable, unguessable request id: time prefix (base36 ms) + 10 random bytes (hex). */
export function newRequestId(now = Date.now()): string {
  return `req_${now.toString(36)}${randomBytes(10).toString("hex")}`;
}
