import { stringify } from "csv-stringify/sync";
import { db } from "../db";
import { parseOrThrow } from "../errors";
import type { Actor } from "../auth/actor";
import { logFilterInput } from "./log-query-input";
import { logWhere } from "./query-logs";

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

const PAGE = 2000;

/** Neutralise spreadsheet formulas in attacker-controlled text (user agents, paths, names): OWASP CSV injection. */
export function csvSafe(value: string | number | null): string | number | null {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * The filtered log as CSV, streamed page by page (keyset on timestamp, id), so an export of any size holds
 * one page in memory at a time. Pulls the next page only when the consumer asks (backpressure).
 */
export async function exportLogsCsv(
  actor: Actor,
  input: unknown,
  opts: { maxRows?: number; now?: Date } = {},
): Promise<ReadableStream<Uint8Array>> {
  const f = parseOrThrow(logFilterInput, input, "query");
  const { where } = await logWhere(actor, f, opts.now);
  const encoder = new TextEncoder();
  const maxRows = opts.maxRows ?? 1_000_000;
  let cursor: { timestamp: Date; id: string } | null = null;
  let sent = 0;
  let headerSent = false;

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(stringify([CSV_COLUMNS as unknown as string[]])));
          return;
        }
        const take = Math.min(PAGE, maxRows - sent);
        if (take <= 0) return controller.close();
        const c = cursor;
        const rows = await db().requestLog.findMany({
          where: c
            ? {
                AND: [
                  where,
                  { OR: [{ timestamp: { lt: c.timestamp } }, { timestamp: c.timestamp, id: { lt: c.id } }] },
                ],
              }
            : where,
          orderBy: [{ timestamp: "desc" }, { id: "desc" }],
          take,
        });
        if (rows.length === 0) return controller.close();
        const last = rows[rows.length - 1]!;
        cursor = { timestamp: last.timestamp, id: last.id };
        sent += rows.length;
        controller.enqueue(
          encoder.encode(
            stringify(
              rows.map((r) =>
                [
                  r.timestamp.toISOString(),
                  r.requestId,
                  r.keyId,
                  r.keyName,
                  r.partner,
                  r.environment,
                  r.method,
                  r.route,
                  r.path,
                  r.status,
                  r.latencyMs,
                  r.ip,
                  r.userAgent,
                  r.errorCode,
                  r.secretSlot,
                ].map(csvSafe),
              ),
            ),
          ),
        );
        if (rows.length < take) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}
