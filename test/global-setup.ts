import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { migratePostgres } from "../lib/db/pg-migrate";
import { createDatabase, dropDatabase, scratchAdminUrl, scratchPrefix, withDatabase } from "../scripts/pg-scratch";
import { testDatabase, listRunDatabases } from "./test-database";

/**
 * Migrate one template database; each test file starts from a fresh copy of it (test/setup-file.ts).
 * SQLite (default): a migrated file, copied per test file. PostgreSQL (KEYWARD_TEST_DB=postgresql): a fresh
 * database per run, `<prefix>_<run>_tpl`, migrated once; each test file gets `CREATE DATABASE … TEMPLATE` of it.
 * An unreachable PostgreSQL fails the run.
 */
export default async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-unit-"));
  process.env.KEYWARD_TEST_DIR = dir;
  if (testDatabase() === "postgresql") return setupPostgres(dir);
  const template = path.join(dir, "template.db");
  execFileSync(path.join(process.cwd(), "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${template}` },
    stdio: "pipe",
  });
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

async function setupPostgres(dir: string) {
  const run = `${scratchPrefix()}_${randomBytes(4).toString("hex")}`;
  const template = `${run}_tpl`;
  const started = performance.now();
  await createTemplate(template);
  await migratePostgres(withDatabase(scratchAdminUrl(), template));
  const ms = performance.now() - started;
  console.log(`[test] PostgreSQL: migrated template ${template} in ${ms.toFixed(0)} ms`);
  process.env.KEYWARD_TEST_PG_RUN = run;
  return async () => {
    // Test files drop their own copies; a crashed worker's copy goes here, the template last.
    for (const name of await listRunDatabases(run)) await dropDatabase(name);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * The template uses an ICU English collation, as most production servers do (en_US.UTF-8), rather than this
 * machine's C.UTF-8: then a query that relies on byte order ("B" before "a", SQLite's) shows up in tests.
 */
async function createTemplate(name: string) {
  try {
    await createDatabase(name, {
      options: "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'",
    });
  } catch (err) {
    if (!/icu|locale/i.test((err as Error).message)) throw err;
    console.warn(`[test] PostgreSQL without ICU (${(err as Error).message}): using the server's default collation`);
    await createDatabase(name);
  }
}
