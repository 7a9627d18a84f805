import "server-only";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/**
 * Applies the committed PostgreSQL migrations (prisma/postgresql/migrations/<name>/migration.sql) with `pg`.
 *
 * Why not `prisma migrate deploy`: with Prisma 6.19's JS schema engine and @prisma/adapter-pg it needs three
 * workarounds on real PostgreSQL (see prisma.pg.config.ts), splits every script on ";" (a function body breaks),
 * and costs a CLI start of seconds on every instance start. This runner applies each migration in its own
 * transaction (a failed one leaves nothing half-applied) and records it in Prisma's own `_prisma_migrations`
 * table, same columns and checksum, so `prisma migrate status` and `migrate deploy` keep understanding the
 * database. It holds the advisory lock `prisma migrate deploy` takes, so concurrent starts of several instances
 * (or a runner and a deploy) apply each migration exactly once.
 */
export const MIGRATIONS_DIR = path.join("prisma", "postgresql", "migrations");

/** The key Prisma's schema engine locks on PostgreSQL (`pg_advisory_lock(72707369)`). */
export const MIGRATION_LOCK_KEY = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type Migration = { name: string; sql: string; checksum: string };

export type MigrateResult = {
  applied: string[];
  /** Applied earlier, but the file changed since (a warning: the database is not re-migrated). */
  modified: string[];
};

/** The committed migrations in the order they apply (folder names start with a timestamp). */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Apply every migration the database has not recorded. Safe to run on every start and from several processes
 * at once: the second waits for the lock, then finds nothing left to do.
 */
export async function migratePostgres(
  url: string,
  opts: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const migrations = readMigrations(opts.dir);
  const client = new pg.Client({ connectionString: url, application_name: "keyward-migrate" });
  await client.connect();
  try {
    await assertSupportedVersion(client);
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(client, migrations, opts.log ?? (() => {}));
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** The oldest PostgreSQL Keyward runs on: charts bucket time with date_bin (14). */
export const MIN_PG_VERSION = 14;

/** Refuse an older server at start, in one sentence, rather than failing on the first chart. */
export async function assertSupportedVersion(client: Pick<pg.Client, "query">): Promise<void> {
  const { rows } = await client.query<{ server_version_num: string }>("SHOW server_version_num");
  const major = Math.floor(Number(rows[0]?.server_version_num) / 10_000);
  if (major < MIN_PG_VERSION) {
    throw new Error(`Keyward needs PostgreSQL ${MIN_PG_VERSION} or later; this server is PostgreSQL ${major}.`);
  }
}

async function applyPending(
  client: pg.Client,
  migrations: Migration[],
  log: (line: string) => void,
): Promise<MigrateResult> {
  await client.query(CREATE_TABLE);
  const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    `SELECT "migration_name", "checksum", "finished_at" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL`,
  );
  const failed = rows.filter((r) => r.finished_at === null);
  if (failed.length > 0) {
    // Left by `prisma migrate deploy` (this runner never records a failure): a person must look first.
    throw new Error(
      `PostgreSQL migration ${failed.map((r) => r.migration_name).join(", ")} failed earlier and was not rolled back; ` +
        `resolve it (prisma migrate resolve) before starting.`,
    );
  }
  const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  const result: MigrateResult = { applied: [], modified: [] };
  for (const m of migrations) {
    const checksum = done.get(m.name);
    if (checksum !== undefined) {
      if (checksum !== m.checksum) result.modified.push(m.name);
      continue;
    }
    const started = Date.now();
    await client.query("BEGIN");
    try {
      // No parameters: the simple query protocol runs the whole multi-statement script.
      await client.query(m.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")
         VALUES ($1, $2, $3, $4, now(), 1)`,
        [randomUUID(), m.checksum, m.name, new Date(started)],
      );
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK");
      throw new Error(`PostgreSQL migration ${m.name} failed (rolled back): ${(err as Error).message}`, {
        cause: err,
      });
    }
    result.applied.push(m.name);
    log(`applied migration ${m.name} (${Date.now() - started} ms)`);
  }
  for (const name of result.modified)
    log(`warning: migration ${name} changed after it was applied; the database keeps the applied version`);
  return result;
}
