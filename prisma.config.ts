import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { loadEnv, sqliteFilePath } from "./lib/config/env";

// Prisma 6.19 with the JS schema engine and a driver adapter: works offline (no native engine download).
// This is the SQLite config: when Keyward is configured for PostgreSQL (prisma.pg.config.ts serves that), it
// still needs a SQLite URL of its own, or `prisma generate` (run by every build) falls back to the native engine.
const env = loadEnv();
const url = sqliteFilePath(env.databaseUrl) ? env.databaseUrl : `file:${path.join(env.dataDir, "keyward.db")}`;
if (!sqliteFilePath(process.env.DATABASE_URL ?? "")) process.env.DATABASE_URL = url;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "sqlite", "schema.prisma"),
  migrations: { path: path.join("prisma", "sqlite", "migrations") },
  async adapter() {
    const file = sqliteFilePath(url);
    if (file) fs.mkdirSync(path.dirname(file), { recursive: true });
    return withScriptAwareShadowDb(new PrismaBetterSQLite3({ url }));
  },
});

/**
 * `migrate diff --from-migrations` replays each migration on a shadow database as one multi-statement
 * executeRaw, which better-sqlite3 refuses; route argument-less SQL to executeScript (db.exec) instead.
 */
function withScriptAwareShadowDb(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const connectShadow = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const adapter = await connectShadow();
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (query) => {
      if (query.args.length === 0 && query.sql.trim().replace(/;\s*$/, "").includes(";")) {
        await adapter.executeScript(query.sql);
        return 0;
      }
      return executeRaw(query);
    };
    return adapter;
  };
  return factory;
}
