import "server-only";
import fs from "node:fs";
import path from "node:path";
import { PrismaClient } from "./generated/sqlite/client";
import { sqliteFilePath } from "../config/env";
import { KeywardSqliteAdapterFactory } from "./sqlite-adapter";

export type Db = PrismaClient;

/** A Prisma client for the configured database, through its driver adapter. */
export function createPrismaClient(databaseUrl: string): Db {
  const file = sqliteFilePath(databaseUrl);
  if (!file) {
    // The PostgreSQL schema, migrations and client arrive with the scale-out work; fail loudly, not strangely.
    throw new Error("PostgreSQL is not wired in yet: set DATABASE_URL to a file: URL (SQLite).");
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // The adapter bounds every wait and survives a failed COMMIT (see sqlite-adapter.ts).
  return new PrismaClient({ adapter: new KeywardSqliteAdapterFactory({ url: `file:${file}` }) });
}
