import path from "node:path";

/** Folder for the embedded database, the log spool and generated secrets. */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.KEYWARD_DATA_DIR ?? path.join(process.cwd(), "data"));
}

/** DATABASE_URL, or the embedded SQLite file in the data folder. */
export function resolveDatabaseUrl(): string {
  return process.env.DATABASE_URL || `file:${path.join(dataDir(), "keyward.db")}`;
}

/** The file behind a SQLite URL ("file:./x.db" or "file:/abs/x.db"), or null for other databases. */
export function sqliteFilePath(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  const raw = url.slice("file:".length).split("?")[0] ?? "";
  return path.resolve(/*turbopackIgnore: true*/ raw);
}

export function databaseProvider(url: string): "sqlite" | "postgresql" {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (got "${url.split(":")[0]}:...")`);
}

// --- PostgreSQL pool (scale-out) ---
// KEYWARD_PG_POOL_SIZE: connections each instance's Prisma client keeps to PostgreSQL (default 10). With N
// instances the server needs N x this (plus the log writer's and the migration runner's) below max_connections.
export function pgPoolSize(): number {
  const raw = process.env.KEYWARD_PG_POOL_SIZE;
  if (raw === undefined || raw === "") return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`KEYWARD_PG_POOL_SIZE must be 1..1000 (got "${raw}")`);
  return n;
}
