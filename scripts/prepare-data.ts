import { execFileSync } from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import { shouldSeedDemo, sqliteFilePath } from "../lib/config/env";
import { db } from "../lib/db";
import { assertDataFolderWritable, startupFailureSentence } from "../lib/db/data-folder-check";
import { DEMO_ACCOUNTS, seedDemoAccountsIfEmpty, seedInventoryIfEmpty } from "../lib/seed/demo";
import { closeServices, services } from "../lib/services";

function restrictDataFiles(dir: string, dbFile: string): void {
  fs.chmodSync(dir, 0o700);
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
}

/** Apply committed migrations, tune SQLite, and seed a first start. Safe to run on every start. */
export async function prepareData(opts: { seedDemo: boolean; quiet?: boolean }): Promise<void> {
  const { env } = services();
  const prismaBin = path.join(process.cwd(), "node_modules", ".bin", "prisma");
  const file = sqliteFilePath(env.databaseUrl);
  // The data folder holds password hashes, key metadata and request logs: owner-only. A folder that cannot
  // take writes stops the start here, with one sentence, rather than in a migration's stack trace.
  assertDataFolderWritable(env.dataDir);
  if (file) assertDataFolderWritable(path.dirname(file), [file, `${file}-wal`, `${file}-shm`]);
  execFileSync(prismaBin, ["migrate", "deploy"], {
    stdio: opts.quiet ? "pipe" : "inherit",
    env: { ...process.env, DATABASE_URL: env.databaseUrl },
  });
  if (file) restrictDataFiles(path.dirname(file), file);
  // Generate the server secrets now (first start), not inside the first request.
  void services().secrets;
  if (file) {
    // WAL lets the dashboard read while the log writer writes; it is a property of the file, so set once here.
    await db().$queryRawUnsafe("PRAGMA journal_mode = WAL");
  }
  // Before serving: request log entries a killed process left in its spool go into the database first.
  const replayed = await services().logWriter.replayOrphans();
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
  // The server opens its own connections; these must not linger on the file.
  await closeServices();
}

if (require.main === module) {
  prepareData({ seedDemo: shouldSeedDemo(services().env) })
    .then(() => process.exit(0))
    .catch((err) => {
      const sentence = startupFailureSentence(err, services().env.dataDir);
      console.error(sentence ? `[keyward] ${sentence}` : err);
      process.exit(1);
    });
}
