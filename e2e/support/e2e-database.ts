import { randomBytes } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

/**
 * Which database the e2e run's server uses, decided once per run and shared by the config and the specs (Playwright's
 * workers inherit the runner's environment). `KEYWARD_E2E_DB=postgresql` (what `npm run test:e2e` sets): a fresh
 * PostgreSQL database for this run plus Redis under a key prefix of its own, as a scaled-out deployment runs;
 * otherwise the embedded SQLite file in the run's data folder. Specs that start their own servers choose for
 * themselves (cluster: PostgreSQL + Redis; storage faults, log durability, security sweep: SQLite files).
 */
export const E2E_ON_POSTGRES = process.env.KEYWARD_E2E_DB === "postgresql";

process.env.KEYWARD_E2E_RUN ??= randomBytes(4).toString("hex");
const RUN = process.env.KEYWARD_E2E_RUN;

/** The PostgreSQL server e2e databases live on (the same setting as the unit suite's). */
export const PG_ADMIN_URL = process.env.KEYWARD_TEST_PG_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

export const E2E_PG_DATABASE = `keyward_e2e_${RUN}`;

export const E2E_DATA_DIR = path.resolve(process.env.KEYWARD_E2E_DATA_DIR || "e2e/.artifacts/data");

/** The URL of one database on that server. */
export function pgUrl(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** What the e2e server's environment adds for the database of this run. */
export function e2eServerDatabaseEnv(): Record<string, string> {
  if (!E2E_ON_POSTGRES) return {};
  return {
    DATABASE_URL: pgUrl(E2E_PG_DATABASE),
    REDIS_URL: process.env.KEYWARD_TEST_REDIS_URL || "redis://127.0.0.1:6379/8",
    KEYWARD_REDIS_PREFIX: `keyward-e2e-${RUN}:`,
    // A shared database takes the server secrets from the environment (e2e-only values).
    NEXTAUTH_SECRET: `e2e-nextauth-secret-${RUN}-0123456789abcdef`,
    KEYWARD_SECRET_PEPPER: `e2e-secret-pepper-${RUN}-0123456789abcdef`,
  };
}

/** Run `fn` with a client of that server (its admin database unless `url` names another), then disconnect. */
export async function onAdmin<T>(fn: (c: pg.Client) => Promise<T>, url = PG_ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Run SQL against the e2e server's database, whichever it is (`?` placeholders; rewritten to $n on PostgreSQL).
 * For what a test cannot make happen through the app, such as traffic from 12 days ago.
 */
export async function e2eSql<R = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
  if (E2E_ON_POSTGRES) {
    let n = 0;
    const pgText = text.replace(/\?/g, () => `$${++n}`);
    return onAdmin(async (c) => (await c.query(pgText, params)).rows as R[], pgUrl(E2E_PG_DATABASE));
  }
  const db = new Database(path.join(E2E_DATA_DIR, "keyward.db"));
  try {
    const stmt = db.prepare(text);
    return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as R[];
  } finally {
    db.close();
  }
}
