import "server-only";
import pg from "pg";

/** The lock an instance holds while it migrates, creates partitions and seeds at start (and db:copy while it fills). */
export const STARTUP_LOCK_KEY = 72707371;

/**
 * Run `fn` while holding a PostgreSQL session advisory lock on a connection of its own (given to `fn`), so
 * that of several processes only one runs it at a time. The lock goes with the connection: a process that
 * dies releases it.
 */
export async function withAdvisoryLock<T>(
  url: string,
  key: number,
  fn: (client: pg.Client) => Promise<T>,
  opts: { application?: string } = {},
): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: opts.application ?? "keyward" });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [key]);
    try {
      return await fn(client);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [key]);
    }
  } finally {
    await client.end();
  }
}
