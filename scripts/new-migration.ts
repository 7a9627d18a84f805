import fs from "node:fs";
import path from "node:path";
import { KNOWN_PG_DRIFT, POSTGRES, SQLITE, migrationsToSchemaSql, withoutChanges } from "./db-schema";
import { PG_SCHEMA, SQLITE_SCHEMA, pgSchemaFromSqlite } from "./generate-pg-schema";

/**
 * `npm run db:migration:new -- <name>`: after editing prisma/sqlite/schema.prisma, regenerate the PostgreSQL
 * schema and write the migration for both providers, under the same name, with `prisma migrate diff` (the
 * committed migrations to the schema). `migrate dev` is not used: it does not work offline with the JS engine.
 * On PostgreSQL the diff always contains the known partitioning difference (scripts/db-schema.ts), which is
 * left out. Needs PostgreSQL for the shadow database (KEYWARD_TEST_PG_URL).
 */
async function main(): Promise<void> {
  const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
  if (!name) {
    console.error("usage: npm run db:migration:new -- <name>");
    process.exit(2);
  }
  fs.writeFileSync(PG_SCHEMA, pgSchemaFromSqlite(fs.readFileSync(SQLITE_SCHEMA, "utf8")));

  const [sqliteSql, pgFull] = await Promise.all([migrationsToSchemaSql(SQLITE), migrationsToSchemaSql(POSTGRES)]);
  const { sql: pgSql, allFound: knownIntact } = withoutChanges(pgFull, KNOWN_PG_DRIFT);
  if (!sqliteSql && !pgSql) {
    console.log("The schema matches the migrations: nothing to write.");
    return;
  }

  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const written: string[] = [];
  for (const [provider, sql] of [
    [SQLITE, sqliteSql],
    [POSTGRES, knownIntact ? pgSql : pgFull],
  ] as const) {
    const file = path.join(provider.migrations, `${stamp}_${name}`, "migration.sql");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${sql || "-- No change for this provider."}\n`);
    written.push(file);
  }
  for (const f of written) console.log(`wrote ${f}`);
  if (!knownIntact) {
    // The change touches the request log's partitioning keys: Prisma's SQL would undo them.
    console.error(
      `\nThe PostgreSQL diff touches the request log's partitioning keys beyond the known difference, so it was\n` +
        `written whole: edit ${written[1]} by hand to keep "RequestLog" partitioned\n` +
        `(primary key ("timestamp", "id"), no request-id index), then run \`npm run db:check\`.`,
    );
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
