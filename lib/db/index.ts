import { resolveDatabaseUrl } from "../config/database-url";
import { createPrismaClient, type Db } from "./create-prisma-client";

export type { Db } from "./create-prisma-client";
export type { Prisma } from "./generated/sqlite/client";
type PrismaClient = Db;

/**
 * The one database module: owns the Prisma client and the choice of driver adapter. One client per process
 * (kept on globalThis so dev-server reloads and Next's separate route bundles share it).
 */
function createClient(): PrismaClient {
  return createPrismaClient(resolveDatabaseUrl());
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
