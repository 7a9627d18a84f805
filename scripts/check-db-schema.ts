import fs from "node:fs";
import pg from "pg";
import { migratePostgres } from "../lib/db/pg-migrate";
import { DEFAULT_PARTITION, describeLogPartitioning } from "../lib/db/pg-partitions";
import { KNOWN_PG_DRIFT, POSTGRES, SQLITE, diffItems, migrationNames, migrationsToSchemaSql } from "./db-schema";
import { PG_SCHEMA, SQLITE_SCHEMA, pgSchemaFromSqlite } from "./generate-pg-schema";
import { createDatabase, dropDatabase, scratchAdminUrl, scratchName, withDatabase } from "./pg-scratch";

/**
 * `npm run db:check` (part of `npm test`): the two schemas and their migrations agree.
 * 1. prisma/postgresql/schema.prisma is what the generator makes of prisma/sqlite/schema.prisma.
 * 2. Every migration exists for both providers, under the same name.
 * 3. SQLite: the migrations build exactly the schema (`migrate diff` is empty).
 * 4. PostgreSQL: the migrations build the schema except for exactly the known, hand-made partitioning
 *    difference (KNOWN_PG_DRIFT), and a database migrated by the runner really has the partitioned log.
 * Needs PostgreSQL (KEYWARD_TEST_PG_URL; scratch databases named KEYWARD_TEST_PG_PREFIX_…): fails without it.
 */
async function main(): Promise<void> {
  const problems: string[] = [];
  const started = performance.now();

  const wantSchema = pgSchemaFromSqlite(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
  if (!fs.existsSync(PG_SCHEMA) || fs.readFileSync(PG_SCHEMA, "utf8") !== wantSchema)
    problems.push(`${PG_SCHEMA} is not what ${SQLITE_SCHEMA} generates: run \`npm run db:schema:pg\`.`);

  const sqliteNames = migrationNames(SQLITE.migrations);
  const pgNames = migrationNames(POSTGRES.migrations);
  const onlySqlite = sqliteNames.filter((n) => !pgNames.includes(n));
  const onlyPg = pgNames.filter((n) => !sqliteNames.includes(n));
  if (onlySqlite.length || onlyPg.length)
    problems.push(
      `migrations must exist for both providers under the same name (npm run db:migration:new writes both); ` +
        `only SQLite: [${onlySqlite.join(", ")}], only PostgreSQL: [${onlyPg.join(", ")}]`,
    );

  const [sqliteDiff, pgDiff, partitioning] = await Promise.all([
    migrationsToSchemaSql(SQLITE),
    migrationsToSchemaSql(POSTGRES),
    migratedPartitioning(),
  ]);
  if (sqliteDiff)
    problems.push(
      `the SQLite migrations do not build ${SQLITE.schema}; missing migration (npm run db:migration:new):\n${sqliteDiff}`,
    );
  if (JSON.stringify(diffItems(pgDiff)) !== JSON.stringify(diffItems(KNOWN_PG_DRIFT)))
    problems.push(
      `the PostgreSQL migrations differ from ${POSTGRES.schema} by more (or less) than the request log's ` +
        `partitioning keys.\nExpected exactly:\n${KNOWN_PG_DRIFT}\n\nGot:\n${pgDiff || "(no difference)"}`,
    );
  const wantPartitioning = { strategy: "r", key: ["timestamp"], defaultPartition: DEFAULT_PARTITION };
  if (JSON.stringify(partitioning) !== JSON.stringify(wantPartitioning))
    problems.push(
      `after the PostgreSQL migrations "RequestLog" should be range-partitioned by "timestamp" with a DEFAULT ` +
        `partition; found ${JSON.stringify(partitioning)}`,
    );

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    for (const p of problems) console.error(`db:check: ${p}\n`);
    process.exit(1);
  }
  console.log(`db:check: schemas and migrations agree on SQLite and PostgreSQL (${seconds} s)`);
}

/** Migrate a scratch database with the runner the app uses and read how the request log is partitioned. */
async function migratedPartitioning() {
  const name = scratchName("check");
  await createDatabase(name);
  try {
    const url = withDatabase(scratchAdminUrl(), name);
    await migratePostgres(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await describeLogPartitioning(client);
    } finally {
      await client.end();
    }
  } finally {
    await dropDatabase(name);
  }
}

main().catch((err) => {
  console.error("db:check failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});
