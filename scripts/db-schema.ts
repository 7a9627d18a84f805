import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { scratchAdminUrl } from "./pg-scratch";

/**
 * Shared by scripts/check-db-schema.ts (the drift check in `npm test`) and scripts/new-migration.ts:
 * `prisma migrate diff` for each provider, and the one difference PostgreSQL's migrations are allowed to have.
 */
export const SQLITE = {
  config: "prisma.config.ts",
  schema: path.join("prisma", "sqlite", "schema.prisma"),
  migrations: path.join("prisma", "sqlite", "migrations"),
} as const;

export const POSTGRES = {
  config: "prisma.pg.config.ts",
  schema: path.join("prisma", "postgresql", "schema.prisma"),
  migrations: path.join("prisma", "postgresql", "migrations"),
} as const;

/**
 * What `migrate diff --from-migrations <pg> --to-schema-datamodel <pg schema>` reports, and must report exactly:
 * the raw request log is range-partitioned by "timestamp" on PostgreSQL (hand-edited in the init migration),
 * so its primary key is ("timestamp", "id"), which the Prisma schema (shared with SQLite) cannot say, and it has
 * no request-id unique index (20261130140000_request_log_without_request_id_index: the id is the request id, and
 * the primary key finds it; lib/logs/log-filter.ts requestIdWhere). Prisma does not see partitioning itself, nor the
 * DEFAULT partition; check-db-schema.ts verifies those on a migrated database.
 * Also PostgreSQL-only, by hand in 20261130050000_log_query_indexes (BENCHMARKS.md section 8b): no separate
 * ("timestamp") index (the primary key leads with it), and a ("status", "timestamp") index (by hand in
 * 20261130192500_request_log_status_index, in place of 8b's ("ownerId", "statusClass", "timestamp"); SQLite keeps its
 * index set, and its ingest rate). Prisma does not see partial indexes (the error-code one).
 */
export const KNOWN_PG_DRIFT = `-- DropIndex
DROP INDEX "RequestLog_status_timestamp_idx";

-- AlterTable
ALTER TABLE "RequestLog" DROP CONSTRAINT "RequestLog_pkey",
ADD CONSTRAINT "RequestLog_pkey" PRIMARY KEY ("id");

-- CreateIndex
CREATE UNIQUE INDEX "RequestLog_requestId_key" ON "RequestLog"("requestId");

-- CreateIndex
CREATE INDEX "RequestLog_timestamp_idx" ON "RequestLog"("timestamp");`;

const EMPTY_MIGRATION = "-- This is an empty migration.";

const run = promisify(execFile);
const prismaBin = path.join(process.cwd(), "node_modules", ".bin", "prisma");

/** SQL that takes the database the committed migrations build to the schema ("" when there is nothing). */
export async function migrationsToSchemaSql(provider: typeof SQLITE | typeof POSTGRES): Promise<string> {
  const env = { ...process.env };
  let tmp: string | null = null;
  if (provider === SQLITE) {
    // The SQLite config opens DATABASE_URL (its shadow database is in memory): keep it off ./data.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-diff-"));
    env.DATABASE_URL = `file:${path.join(tmp, "diff.db")}`;
  } else {
    // The shadow database goes on the scratch server, never on whatever DATABASE_URL points at.
    env.DATABASE_URL = scratchAdminUrl();
  }
  try {
    const { stdout } = await run(
      prismaBin,
      [
        "migrate",
        "diff",
        "--config",
        provider.config,
        "--from-migrations",
        provider.migrations,
        "--to-schema-datamodel",
        provider.schema,
        "--script",
      ],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );
    const sql = normalizeSql(stdout);
    return sql === EMPTY_MIGRATION ? "" : sql;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function normalizeSql(sql: string): string {
  return sql
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .trim();
}

type Statement = { comment: string; head: string; clauses: string[] };

/**
 * `migrate diff` output as statements ("-- Kind" comment and SQL, blank-line separated). An ALTER TABLE is
 * kept as its clauses, one per line as Prisma writes them, because Prisma merges all changes to a table into
 * one statement: a new column of "RequestLog" lands between the known drift's DROP and ADD CONSTRAINT.
 */
function parseStatements(sql: string): Statement[] {
  return normalizeSql(sql)
    .split(/\n{2,}/)
    .map((b) => b.trim())
    .filter(Boolean)
    .map((block) => {
      const lines = block.split("\n");
      const comment = lines[0]!.startsWith("--") ? lines.shift()! : "";
      const body = lines.join("\n");
      const alter = /^(ALTER TABLE "[^"]+") ([\s\S]*);$/.exec(body);
      if (!alter) return { comment, head: body, clauses: [] };
      return { comment, head: alter[1]!, clauses: alter[2]!.split(/,\n/).map((c) => c.trim()) };
    });
}

function itemsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => (s.clauses.length ? s.clauses.map((c) => `${s.head} ${c}`) : [s.head]));
}

/** The changes of a diff, one per statement or ALTER TABLE clause, sorted: equal sets compare equal. */
export function diffItems(sql: string): string[] {
  return itemsOf(parseStatements(sql)).sort();
}

/**
 * The diff without the given changes (statements or ALTER TABLE clauses), and whether all of them were there.
 */
export function withoutChanges(sql: string, remove: string): { sql: string; allFound: boolean } {
  const unwanted = new Set(diffItems(remove));
  const found = new Set<string>();
  const kept: string[] = [];
  for (const s of parseStatements(sql)) {
    if (s.clauses.length === 0) {
      if (unwanted.has(s.head)) found.add(s.head);
      else kept.push([s.comment, s.head].filter(Boolean).join("\n"));
      continue;
    }
    const clauses = s.clauses.filter((c) => {
      const hit = unwanted.has(`${s.head} ${c}`);
      if (hit) found.add(`${s.head} ${c}`);
      return !hit;
    });
    if (clauses.length) kept.push([s.comment, `${s.head} ${clauses.join(",\n")};`].filter(Boolean).join("\n"));
  }
  return { sql: kept.join("\n\n"), allFound: found.size === unwanted.size };
}

/** Migration folder names of a provider (timestamp_name). */
export function migrationNames(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}
