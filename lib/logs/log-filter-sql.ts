import "server-only";
import { sqliteDate } from "../db/bulk-sql";
import type { ResolvedLogFilter } from "./query-logs";

/**
 * The same filter as prismaLogWhere(), as SQL for the streaming export path (lib/logs/export-csv.ts).
 * A test runs both over the same rows and compares (lib/logs/export-csv.test.ts).
 */
export function sqlLogWhere(r: ResolvedLogFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [`"timestamp" >= ?`, `"timestamp" < ?`];
  const params: unknown[] = [sqliteDate(r.range.from.getTime()), sqliteDate(r.range.to.getTime())];
  const inList = (column: string, values: readonly unknown[]) => {
    clauses.push(`"${column}" IN (${values.map(() => "?").join(", ")})`);
    params.push(...values);
  };
  if (r.owner === "nobody") {
    clauses.push("0");
  } else if (r.owner) {
    clauses.push(`"ownerId" = ?`);
    params.push(r.owner);
  }
  if (r.environment) {
    clauses.push(`"environment" = ?`);
    params.push(r.environment);
  }
  if (r.keyIds.length) inList("keyId", r.keyIds);
  if (r.partners.length) inList("partner", r.partners);
  if (r.methods.length) inList("method", r.methods);
  if (r.routes.length) inList("route", r.routes);
  if (r.requestId) {
    clauses.push(`"requestId" = ?`);
    params.push(r.requestId);
  }
  if (r.errorCode) {
    clauses.push(`"errorCode" = ?`);
    params.push(r.errorCode);
  }
  if (r.statusClasses.length || r.statuses.length) {
    const either: string[] = [];
    if (r.statusClasses.length) {
      either.push(`"statusClass" IN (${r.statusClasses.map(() => "?").join(", ")})`);
      params.push(...r.statusClasses);
    }
    if (r.statuses.length) {
      either.push(`"status" IN (${r.statuses.map(() => "?").join(", ")})`);
      params.push(...r.statuses);
    }
    clauses.push(`(${either.join(" OR ")})`);
  }
  return { sql: clauses.join(" AND "), params };
}
