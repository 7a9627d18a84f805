import { execFileSync } from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import { databaseProvider, resolveDatabaseUrl, sqliteFilePath } from "../lib/config/database-url";
import { loadServerSecrets } from "../lib/config/server-secrets";
import { closeDb, db } from "../lib/db";
import { closeBulkSql } from "../lib/db/bulk-sql";
import { withAdvisoryLock } from "../lib/db/pg-advisory-lock";
import { migratePostgres } from "../lib/db/pg-migrate";
import { ensurePartitions } from "../lib/db/pg-partitions";
import { LogWriter } from "../lib/logs/log-writer";
import { DEMO_ACCOUNTS, seedDemoAccountsIfEmpty, seedInventoryIfEmpty } from "../lib/seed/demo";

/** Demo accounts: on by default for the quick start, off when NODE_ENV=production unless KEYWARD_SEED_DEMO=1. */
export function shouldSeedDemo(env = process.env): boolean {
  if (env.KEYWARD_SEED_DEMO === "1") return true;
  if (env.KEYWARD_SEED_DEMO === "0") return false;
  return env.NODE_ENV !== "production";
}

function restrictDataFiles(dir: string, dbFile: string): void {
  fs.chmodSync(dir, 0o700);
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
}

/** Serialises the start-up steps (migrate, partitions, first-start seed) of instances sharing PostgreSQL. */
const STARTUP_LOCK_KEY = 72707371;
/** Daily request-log partitions created at start, from today on (the maintenance job keeps ahead after that). */
const PARTITION_DAYS_AHEAD = 7;

/** Apply committed migrations, tune SQLite, and seed a first start. Safe to run on every start. */
export async function prepareData(opts: { seedDemo: boolean; quiet?: boolean }): Promise<void> {
  const url = resolveDatabaseUrl();
  process.env.DATABASE_URL = url;
  const say = (line: string) => {
    if (!opts.quiet) console.log(`[keyward] ${line}`);
  };
  if (databaseProvider(url) === "postgresql") {
    // Several instances may start at once: one at a time migrates, creates partitions and seeds; the others
    // then find it done.
    await withAdvisoryLock(url, STARTUP_LOCK_KEY, async (client) => {
      const started = Date.now();
      const { applied } = await migratePostgres(url, { log: say });
      if (applied.length > 0) say(`PostgreSQL migrations applied in ${Date.now() - started} ms`);
      await ensurePartitions(client, new Date(), PARTITION_DAYS_AHEAD);
      loadServerSecrets();
      await seed(opts);
    });
  } else {
    migrateSqlite(url, opts);
    loadServerSecrets();
    // WAL lets the dashboard read while the log writer writes; it is a property of the file, so set once here.
    await db().$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await seed(opts);
  }
  // Before serving: request log entries a killed process left in its spool go into the database first.
  const replayed = await new LogWriter().replayOrphans();
  if (replayed > 0) say(`replayed ${replayed} request log entries from the spool of a stopped process`);
  // The server opens its own client; this one must not linger on the file.
  await closeDb();
  closeBulkSql();
}

function migrateSqlite(url: string, opts: { quiet?: boolean }): void {
  const prismaBin = path.join(process.cwd(), "node_modules", ".bin", "prisma");
  const file = sqliteFilePath(url)!;
  // The data folder holds password hashes, key metadata and request logs: owner-only.
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  execFileSync(prismaBin, ["migrate", "deploy"], { stdio: opts.quiet ? "pipe" : "inherit", env: process.env });
  restrictDataFiles(path.dirname(file), file);
}

async function seed(opts: { seedDemo: boolean; quiet?: boolean }): Promise<void> {
  const items = await seedInventoryIfEmpty();
  if (items > 0 && !opts.quiet) console.log(`[keyward] seeded ${items} inventory items`);
  if (opts.seedDemo) {
    const seeded = await seedDemoAccountsIfEmpty();
    if (!opts.quiet) {
      console.log(
        seeded ? "[keyward] first start: created the demo workspace" : "[keyward] demo workspace: existing data kept",
      );
      for (const a of DEMO_ACCOUNTS) console.log(`[keyward]   ${a.role.padEnd(7)} ${a.email} / ${a.password}`);
    }
  }
}

if (require.main === module) {
  prepareData({ seedDemo: shouldSeedDemo() })
    .then(() => process.exit(0))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
