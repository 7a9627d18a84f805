import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll } from "vitest";
import { closeServices } from "../lib/services";
import { createDatabase, dropDatabase, scratchAdminUrl, withDatabase } from "../scripts/pg-scratch";
import { testDatabase } from "./test-database";

// Each test file gets its own copy of the migrated template, data folder and secrets: files run in parallel.
const root = process.env.KEYWARD_TEST_DIR!;
const dir = path.join(root, randomUUID());
fs.mkdirSync(dir, { recursive: true });
process.env.KEYWARD_DATA_DIR = dir;
process.env.KEYWARD_SECRET_PEPPER = "test-pepper-0123456789abcdef0123456789";
process.env.NEXTAUTH_SECRET = "test-session-secret-0123456789abcdef01";
// The unit suite runs on one process's memory; a developer's REDIS_URL must not reach it (npm run test:redis
// sets its own, on a database and prefix of its own, in test/redis-setup-file.ts).
delete process.env.REDIS_URL;

let pgDatabase: string | null = null;
if (testDatabase() === "postgresql") {
  const run = process.env.KEYWARD_TEST_PG_RUN!;
  pgDatabase = `${run}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await createDatabase(pgDatabase, { template: `${run}_tpl` });
  process.env.DATABASE_URL = withDatabase(scratchAdminUrl(), pgDatabase);
} else {
  fs.copyFileSync(path.join(root, "template.db"), path.join(dir, "keyward.db"));
  process.env.DATABASE_URL = `file:${path.join(dir, "keyward.db")}`;
}

// Tests provoke failures on purpose; the server's log stays quiet unless asked (KEYWARD_LOG_LEVEL=debug npx vitest).
process.env.KEYWARD_LOG_LEVEL ??= "silent";

afterAll(async () => {
  await closeServices();
  if (pgDatabase) await dropDatabase(pgDatabase);
});
