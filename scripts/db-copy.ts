import path from "node:path";
import { parseArgs } from "node:util";
import { sqliteFilePath } from "../lib/config/env";
import { copyDatabase, CopyTargetNotEmptyError } from "../lib/db/copy-database";
import { createPrismaClient } from "../lib/db/create-prisma-client";
import { STARTUP_LOCK_KEY, withAdvisoryLock } from "../lib/db/pg-advisory-lock";
import { migratePostgres } from "../lib/db/pg-migrate";
import { ensurePartitions, utcDay } from "../lib/db/pg-partitions";
import { services } from "../lib/services";

const USAGE =
  "usage: npm run db:copy -- --to postgresql://user:password@host:5432/keyward [--from file:/path/keyward.db] [--batch 1000]";
const DAY_MS = 86_400_000;
const PARTITION_DAYS_AHEAD = 7;

/**
 * The upgrade path from one instance on SQLite to several on PostgreSQL: copy users, keys, secret hashes, audit
 * trail, offers and the request log (with its rollups) into a new PostgreSQL database, which is migrated first.
 * The source (by default this install's own database, from KEYWARD_DATA_DIR / DATABASE_URL) is only read: stop
 * Keyward first so no request lands after the copy. Refuses a target that already holds data.
 */
async function main() {
  const { values } = parseArgs({
    options: { to: { type: "string" }, from: { type: "string" }, batch: { type: "string", default: "1000" } },
  });
  const to = values.to;
  if (!to || !/^postgres(ql)?:\/\//.test(to)) {
    console.error(`--to must be a postgresql:// URL.\n${USAGE}`);
    process.exit(2);
  }
  const { env } = services();
  const from = values.from ?? env.databaseUrl;
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    console.error(`--batch must be a whole number from 1 to 10000.\n${USAGE}`);
    process.exit(2);
  }
  const target = new URL(to);
  const targetLabel = `${target.host}${target.pathname}`; // never the password
  console.log(`[db:copy] from ${sqliteFilePath(from) ?? "the configured database"} to ${targetLabel}`);

  // The lock instances take to migrate at start: none starts on the target while it is being filled.
  await withAdvisoryLock(to, STARTUP_LOCK_KEY, async (client) => {
    const { applied } = await migratePostgres(to, { log: (line) => console.log(`[db:copy] ${line}`) });
    if (applied.length) console.log(`[db:copy] migrated the target (${applied.length} migrations)`);
    const source = createPrismaClient(from, { poolSize: 2 });
    const dest = createPrismaClient(to, { poolSize: 2 });
    try {
      // One partition per day of the copied log (and a week ahead), so retention can drop them whole later.
      const oldest = await source.requestLog.findFirst({ orderBy: { timestamp: "asc" }, select: { timestamp: true } });
      const firstDay = utcDay(oldest?.timestamp ?? new Date());
      const days = Math.ceil((utcDay(new Date()).getTime() - firstDay.getTime()) / DAY_MS) + PARTITION_DAYS_AHEAD;
      await ensurePartitions(client, firstDay, days);
      const copied = await copyDatabase(source, dest, {
        batchSize,
        onProgress: (model, done, total) => {
          const line = `${model}: ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")}`;
          if (done === total || done % (batchSize * 50) === 0) console.log(`[db:copy] ${line}`);
        },
      });
      console.log(`[db:copy] done: ${JSON.stringify(copied)}`);
    } finally {
      await source.$disconnect();
      await dest.$disconnect();
    }
  });
  console.log(
    [
      "[db:copy] Next: start every instance with DATABASE_URL set to the target, REDIS_URL, and the SAME secrets this",
      `install used: NEXTAUTH_SECRET and KEYWARD_SECRET_PEPPER from ${path.join(env.dataDir, "server-secrets.json")}`,
      "(sessionSecret and secretPepper). Key secrets are stored as hashes made with that pepper: with another one,",
      "every copied key is refused.",
    ].join("\n"),
  );
}

main()
  .then(() => services().close())
  .catch(async (err: unknown) => {
    console.error(err instanceof CopyTargetNotEmptyError ? `[db:copy] ${err.message}` : err);
    process.exit(1);
  });
