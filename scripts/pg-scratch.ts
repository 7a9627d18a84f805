import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Scratch PostgreSQL databases for tests and tooling (unit-test databases, the drift check, the shadow database
 * of `migrate diff`). Every name starts with a configurable prefix so runs sharing a server never touch each
 * other's databases.
 *
 * --- environment (tests and tooling only) ---
 * KEYWARD_TEST_PG_URL     server to create scratch databases on (default postgresql://postgres@127.0.0.1:5432/postgres)
 * KEYWARD_TEST_PG_PREFIX  prefix of every scratch database name (default keyward_test)
 */
export function scratchAdminUrl(): string {
  return process.env.KEYWARD_TEST_PG_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
}

export function scratchPrefix(): string {
  const prefix = process.env.KEYWARD_TEST_PG_PREFIX || "keyward_test";
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`KEYWARD_TEST_PG_PREFIX must be [a-z0-9_]: "${prefix}"`);
  return prefix;
}

/** `<prefix>_<label>_<random>`: unique per call, safe to quote. */
export function scratchName(label: string): string {
  return `${scratchPrefix()}_${label}_${randomBytes(5).toString("hex")}`;
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function onServer<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    const where = new URL(adminUrl).host;
    throw new Error(
      `PostgreSQL is not reachable at ${where} (KEYWARD_TEST_PG_URL): ${(err as Error).message}. ` +
        `Start it (pg_ctlcluster … main start) or point KEYWARD_TEST_PG_URL at a server.`,
      { cause: err },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Create a database: a copy of `template` (which must have no open connections), or with raw `options`
 * (e.g. "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'").
 */
export async function createDatabase(name: string, opts: { template?: string; options?: string } = {}) {
  const options = opts.template ? `TEMPLATE ${quoteIdent(opts.template)}` : (opts.options ?? "");
  await onServer(scratchAdminUrl(), (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} ${options}`));
}

export async function dropDatabase(name: string, adminUrl = scratchAdminUrl()) {
  if (!name.startsWith(`${scratchPrefix()}_`)) throw new Error(`refusing to drop "${name}": not a scratch database`);
  await onServer(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}
