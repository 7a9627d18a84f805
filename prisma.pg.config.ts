import path from "node:path";
import pg from "pg";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { scratchAdminUrl, scratchName, withDatabase } from "./scripts/pg-scratch";

/**
 * The PostgreSQL twin of prisma.config.ts: `prisma generate --config prisma.pg.config.ts` writes the PostgreSQL
 * client, and `migrate diff` (scripts/new-migration.ts, scripts/check-pg-schema.ts) reads the PostgreSQL
 * schema and migrations. Migrations are applied by lib/db/pg-migrate.ts, not by `prisma migrate deploy`.
 *
 * The JS schema engine connects even for a schema-to-schema diff: without a PostgreSQL DATABASE_URL it uses
 * the scratch server (KEYWARD_TEST_PG_URL), read-only. `prisma generate` never connects. The schema's
 * `env("DATABASE_URL")` must parse as a PostgreSQL URL, or the CLI goes off to download engines.
 */
const configured = process.env.DATABASE_URL;
const url = configured && /^postgres(ql)?:\/\//.test(configured) ? configured : scratchAdminUrl();
process.env.DATABASE_URL = url;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "postgresql", "schema.prisma"),
  migrations: { path: path.join("prisma", "postgresql", "migrations") },
  async adapter() {
    return schemaEngineFriendly(new PrismaPg({ connectionString: url, max: 2, allowExitOnIdle: true }), url);
  },
});

type Factory = PrismaPg;
type Adapter = Awaited<ReturnType<Factory["connect"]>>;
type Queryable = Pick<Adapter, "queryRaw">;
type IO = { fields: { dataTypeID: number }[] };

// pg_catalog types the adapter cannot map (char, name, regproc, regclass, regtype): the schema engine's
// introspection selects them, and the adapter answers "Column type 'name' could not be deserialized".
// pg returns their values as strings, so describing them as text is exact.
const CATALOG_TEXT_TYPES = new Set([18, 19, 24, 2205, 2206]);
const TEXT_OID = 25;

function remapCatalogTypes<T extends Queryable>(queryable: T): T {
  const q = queryable as T & { performIO(query: unknown): Promise<IO> };
  const performIO = q.performIO.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    for (const f of result.fields ?? []) if (CATALOG_TEXT_TYPES.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
    return result;
  };
  return queryable;
}

/**
 * Three fixes for the schema engine on real PostgreSQL through the JS adapter: catalog types (above); scripts
 * run whole (the adapter splits a script on every ";", which breaks function bodies); and a shadow database
 * that is really a separate database (the stock one keeps the connection string's database name), named with
 * the scratch prefix and dropped WITH (FORCE).
 */
function schemaEngineFriendly(factory: Factory, adminUrl: string): Factory {
  const connect = factory.connect.bind(factory);
  const wrap = (adapter: Adapter): Adapter => {
    remapCatalogTypes(adapter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolation) => remapCatalogTypes(await startTransaction(isolation));
    adapter.executeScript = async (script) => {
      await (adapter.underlyingDriver() as pg.Pool).query(script);
    };
    return adapter;
  };
  factory.connect = async () => wrap(await connect());
  factory.connectToShadowDb = async () => {
    const name = scratchName("shadow");
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const shadow = wrap(
      await new PrismaPg({ connectionString: withDatabase(adminUrl, name), max: 2, allowExitOnIdle: true }).connect(),
    );
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      const drop = new pg.Client({ connectionString: adminUrl });
      await drop.connect();
      try {
        await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await drop.end();
      }
    };
    return shadow;
  };
  return factory;
}
