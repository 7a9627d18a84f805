import { execFileSync } from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import { dataDir, resolveDatabaseUrl, sqliteFilePath } from "../lib/config/database-url";
import { assertDataFolderWritable, startupFailureSentence } from "../lib/db/data-folder-check";
import { loadServerSecrets } from "../lib/config/server-secrets";
import { closeDb, db } from "../lib/db";
import { closeBulkSql } from "../lib/db/bulk-sql";
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

/** Apply committed migrations, tune SQLite, and seed a first start. Safe to run on every start. */
export async function prepareData(opts: { seedDemo: boolean; quiet?: boolean }): Promise<void> {
  const url = resolveDatabaseUrl();
  process.env.DATABASE_URL = url;
  const prismaBin = path.join(process.cwd(), "node_modules", ".bin", "prisma");
  const file = sqliteFilePath(url);
  // The data folder holds password hashes, key metadata and request logs: owner-only. A folder that cannot
  // take writes stops the start here, with one sentence, rather than in a migration's stack trace.
  assertDataFolderWritable(dataDir());
  if (file) assertDataFolderWritable(path.dirname(file), [file, `${file}-wal`, `${file}-shm`]);
  execFileSync(prismaBin, ["migrate", "deploy"], { stdio: opts.quiet ? "pipe" : "inherit", env: process.env });
  if (file) restrictDataFiles(path.dirname(file), file);
  loadServerSecrets();
  if (url.startsWith("file:")) {
    // WAL lets the dashboard read while the log writer writes; it is a property of the file, so set once here.
    await db().$queryRawUnsafe("PRAGMA journal_mode = WAL");
  }
  // Before serving: request log entries a killed process left in its spool go into the database first.
  const replayed = await new LogWriter().replayOrphans();
  if (replayed > 0)
    console.log(`[keyward] replayed ${replayed} request log entries from the spool of a stopped process`);
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
  // The server opens its own client; this one must not linger on the file.
  await closeDb();
  closeBulkSql();
}

if (require.main === module) {
  prepareData({ seedDemo: shouldSeedDemo() })
    .then(() => process.exit(0))
    .catch((err) => {
      const sentence = startupFailureSentence(err, dataDir());
      console.error(sentence ? `[keyward] ${sentence}` : err);
      process.exit(1);
    });
}
