import { execFileSync } from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { shouldSeedDemo, sqliteFilePath } from "../lib/config/env";
import { db } from "../lib/db";
import { assertDataFolderWritable } from "../lib/db/data-folder-check";
import { STARTUP_LOCK_KEY, withAdvisoryLock } from "../lib/db/pg-advisory-lock";
import { migratePostgres } from "../lib/db/pg-migrate";
import { ensurePartitions } from "../lib/db/pg-partitions";
import { PARTITION_DAYS_AHEAD } from "../lib/logs/retention";
import type { Logger } from "../lib/logging/logger";
import { DEMO_ACCOUNTS, seedDemoAccountsIfEmpty, seedInventoryIfEmpty } from "../lib/seed/demo";
import { closeServices, services } from "../lib/services";
import { exitOnStartFailure } from "./start-failure";

function restrictDataFiles(dir: string, dbFile: string): void {
  fs.chmodSync(dir, 0o700);
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
}

type PrepareOptions = { seedDemo: boolean; quiet?: boolean };

/** Apply committed migrations, tune SQLite, and seed a first start. Safe to run on every start. */
export async function prepareData(opts: PrepareOptions): Promise<void> {
  const { env, logger } = services();
  const say = (line: string, fields: Record<string, unknown> = {}) => {
    if (!opts.quiet) logger.info(fields, line);
  };
  // The data folder holds the log spool and, for SQLite, the database: a folder that cannot take writes stops
  // the start here, with one sentence, rather than in a migration's stack trace.
  assertDataFolderWritable(env.dataDir);
  if (env.databaseProvider === "postgresql") {
    // Several instances may start at once: one at a time migrates, creates partitions and seeds; the others
    // then find it done.
    await withAdvisoryLock(env.databaseUrl, STARTUP_LOCK_KEY, async (client) => {
      const started = Date.now();
      const { applied } = await migratePostgres(env.databaseUrl, { log: (line) => say(line) });
      if (applied.length > 0) say(`PostgreSQL migrations applied in ${Date.now() - started} ms`, { applied });
      // Daily request-log partitions from today on (the maintenance job keeps them ahead after that).
      await ensurePartitions(client, new Date(), PARTITION_DAYS_AHEAD);
      await seed(opts, say);
    });
  } else {
    migrateSqlite(env.databaseUrl, logger, say);
    // WAL lets the dashboard read while the log writer writes; it is a property of the file, so set once here.
    await db().$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await seed(opts, say);
  }
  // Generate the server secrets now (first start), not inside the first request.
  void services().secrets;
  // Before serving: request log entries a killed process left in its spool go into the database first.
  const replayed = await services().logWriter.replayOrphans();
  if (replayed > 0) say(`replayed ${replayed} request log entries from the spool of a stopped process`, { replayed });
  // The server opens its own connections; these must not linger on the file.
  await closeServices();
}

function migrateSqlite(url: string, logger: Logger, say: (line: string, fields?: Record<string, unknown>) => void) {
  const prismaBin = path.join(process.cwd(), "node_modules", ".bin", "prisma");
  const file = sqliteFilePath(url)!;
  // The data folder holds password hashes, key metadata and request logs: owner-only.
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  assertDataFolderWritable(path.dirname(file), [file, `${file}-wal`, `${file}-shm`]);
  // Prisma's own output goes into the log as one event (a JSON log stays JSON lines).
  const migrated = execFileSync(prismaBin, ["migrate", "deploy"], {
    stdio: "pipe",
    env: { ...process.env, DATABASE_URL: url },
  }).toString();
  const plain = stripVTControlCharacters(migrated);
  const applied = [...plain.matchAll(/└─ (\S+)\/$/gm)].map((m) => m[1]);
  logger.debug({ prisma: plain.trim() }, "prisma migrate deploy");
  say(applied.length ? `applied ${applied.length} database migrations` : "database schema up to date", { applied });
  restrictDataFiles(path.dirname(file), file);
}

async function seed(opts: PrepareOptions, say: (line: string) => void): Promise<void> {
  const items = await seedInventoryIfEmpty();
  if (items > 0) say(`seeded ${items} inventory items`);
  if (opts.seedDemo) {
    const seeded = await seedDemoAccountsIfEmpty();
    say(seeded ? "first start: created the demo workspace" : "demo workspace: existing data kept");
    // Public demo passwords, printed on purpose so a newcomer can sign in.
    for (const a of DEMO_ACCOUNTS) say(`  ${a.role.padEnd(7)} ${a.email} / ${a.password}`);
  }
}

if (require.main === module) {
  prepareData({ seedDemo: shouldSeedDemo(services().env) })
    .then(() => process.exit(0))
    .catch((err: unknown) => exitOnStartFailure(err, "preparing the data failed"));
}
