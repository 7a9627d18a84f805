import "server-only";
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/sqlite/client";
import { sqliteFilePath } from "../config/env";

export type Db = PrismaClient;

/** A Prisma client for the configured database, through its driver adapter. */
export function createPrismaClient(databaseUrl: string): Db {
  const file = sqliteFilePath(databaseUrl);
  if (!file) {
    // The PostgreSQL schema, migrations and client arrive with the scale-out work; fail loudly, not strangely.
    throw new Error("PostgreSQL is not wired in yet: set DATABASE_URL to a file: URL (SQLite).");
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 }) });
}
