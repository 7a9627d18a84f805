import "server-only";
import { stringify } from "csv-stringify/sync";
import { services } from "../services";
import { parseOrThrow } from "../errors";
import type { Actor } from "../auth/actor";
import { logFilterInput } from "./log-query-input";
import { toDate } from "../db/log-db";
import { logRowWhere, resolveLogFilter } from "./log-filter";
import { keysetAfter } from "./query-logs";

export const CSV_COLUMNS = [
  "timestamp",
  "requestId",
  "keyId",
  "keyName",
  "partner",
  "environment",
  "method",
  "route",
  "path",
  "status",
  "latencyMs",
  "ip",
  "userAgent",
  "errorCode",
  "secretSlot",
] as const;

/** Rows per read and per chunk written: one batch is all an export holds in memory. */
const ROWS_PER_CHUNK = 1000;

/** escape_formulas neutralises spreadsheet formulas in attacker-controlled text (user agents, paths): CSV injection. */
const CSV_OPTIONS = { escape_formulas: true } as const;

/**
 * The filtered log as CSV, newest first, streamed: rows are read by keyset in batches of 1,000 (the same
 * filter and order as the log view's pages) and a batch is read only when the consumer asks for more
 * (backpressure), so an export of any size holds one batch in memory, on either database, and holds no
 * connection between batches. The ORM path allocated ~1 KB per row and grew the server by 100+ MB on a
 * 100,000-row export.
 */
export async function exportLogsCsv(
  actor: Actor,
  input: unknown,
  opts: { maxRows?: number; now?: Date; rowsPerChunk?: number } = {},
): Promise<ReadableStream<Uint8Array>> {
  const f = parseOrThrow(logFilterInput, input, "query");
  const filter = await resolveLogFilter(actor, f, opts.now);
  const maxRows = opts.maxRows ?? 1_000_000;
  const perChunk = opts.rowsPerChunk ?? ROWS_PER_CHUNK;
  const logDb = services().logDb;
  const time = (ms: number) => logDb.time(ms);
  const encoder = new TextEncoder();
  let after: { timestamp: Date; id: string } | null = null;
  let sent = 0;
  let headerSent = false;

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(stringify([[...CSV_COLUMNS]])));
          return;
        }
        const limit = Math.min(perChunk, maxRows - sent);
        const rows =
          limit <= 0
            ? []
            : await logDb.kysely
                .selectFrom("RequestLog")
                .select(["id", ...CSV_COLUMNS])
                .where(logRowWhere(filter, time))
                .$if(after !== null, (qb) => qb.where(keysetAfter(after!, "desc", time)))
                .orderBy("timestamp", "desc")
                .orderBy("id", "desc")
                .limit(limit)
                .execute();
        if (rows.length > 0) {
          const last = rows[rows.length - 1]!;
          after = { timestamp: toDate(last.timestamp), id: last.id };
          sent += rows.length;
          const chunk = rows.map((r) =>
            CSV_COLUMNS.map((c) => (c === "timestamp" ? toDate(r.timestamp).toISOString() : r[c])),
          );
          controller.enqueue(encoder.encode(stringify(chunk, CSV_OPTIONS)));
        }
        if (rows.length < limit || limit <= 0 || sent >= maxRows) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}
