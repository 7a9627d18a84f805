import "server-only";
import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { sqliteFilePath } from "../config/env";
import { KeywardSqliteAdapterFactory } from "./sqlite-adapter";

/**
 * Both clients are generated from the same models (prisma/postgresql/schema.prisma is generated from the SQLite
 * one), but TypeScript cannot relate the two generated class types (their generic conditional types come from
 * different declarations, and the PostgreSQL one accepts more: `mode`, more isolation levels). So the app is
 * typed against the SQLite client (`Db`), which accepts only what both providers accept; lib/db/client-compat.ts
 * checks at compile time that the row types are identical and that every SQLite input type is a PostgreSQL one,
 * which is what makes the cast below sound. The one PostgreSQL-only option the app needs (case-insensitive
 * `contains`) goes through lib/db/text-filter.ts.
 */
export type Db = SqliteClient;

/**
 * The Prisma client for a database URL: SQLite (`file:`, better-sqlite3 through Keyward's adapter wrapper) or
 * PostgreSQL (`postgresql://`, pg adapter over a pool of `poolSize` connections).
 */
export function createPrismaClient(url: string, opts: { poolSize?: number } = {}): Db {
  const file = sqliteFilePath(url);
  if (!file) {
    const adapter = new PrismaPg({ connectionString: url, max: opts.poolSize ?? 10 });
    return new PostgresClient({ adapter }) as unknown as Db;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // The adapter bounds every wait and survives a failed COMMIT (see sqlite-adapter.ts).
  return new SqliteClient({ adapter: new KeywardSqliteAdapterFactory({ url: `file:${file}` }) });
}
