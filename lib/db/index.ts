import fs from "node:fs";
import path from "node:path";
import { PrismaClient } from "./generated/sqlite/client";
import { databaseProvider, resolveDatabaseUrl, sqliteFilePath } from "../config/database-url";
import { KeywardSqliteAdapterFactory } from "./sqlite-adapter";

export type Db = PrismaClient;
export type { Prisma } from "./generated/sqlite/client";

/**
 * The one database module: owns the Prisma client and the choice of driver adapter. One client per process
 * (kept on globalThis so dev-server reloads and Next's separate route bundles share it).
 */
function createClient(): PrismaClient {
  const url = resolveDatabaseUrl();
  const provider = databaseProvider(url);
  if (provider !== "sqlite") {
    // The PostgreSQL schema, migrations and client arrive with the scale-out work; fail loudly, not strangely.
    throw new Error("PostgreSQL is not wired in yet: set DATABASE_URL to a file: URL (SQLite).");
  }
  const file = sqliteFilePath(url)!;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // The adapter bounds every wait and survives a failed COMMIT (see sqlite-adapter.ts).
  return new PrismaClient({ adapter: new KeywardSqliteAdapterFactory({ url: `file:${file}` }) });
}

const holder = globalThis as { __keywardDb?: PrismaClient };

export function db(): PrismaClient {
  holder.__keywardDb ??= createClient();
  return holder.__keywardDb;
}

/** Close the client (tests and scripts); the next db() call opens a new one. */
export async function closeDb(): Promise<void> {
  const client = holder.__keywardDb;
  holder.__keywardDb = undefined;
  await client?.$disconnect();
}
