import { sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openLogDb } from "./log-db";

describe("the log's PostgreSQL pool", () => {
  it("survives the server ending an idle connection (reported, not thrown), and the next query gets a new one", async () => {
    const errors: Error[] = [];
    const logDb = openLogDb(process.env.DATABASE_URL!, { poolSize: 1, onPoolError: (err) => errors.push(err) });
    try {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(logDb.kysely);
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
      await admin.end();
      // Without the pool's error listener this event is an uncaught exception: vitest fails the run.
      await expect.poll(() => errors.length).toBe(1);
      expect(errors[0]!.message).toMatch(/terminating connection/);
      const again = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(logDb.kysely);
      expect(again.rows[0]!.pid).not.toBe(rows[0]!.pid);
    } finally {
      await logDb.close();
    }
  });

  it("survives the server ending a connection mid-transaction: the query fails, the process goes on, the next query works", async () => {
    const logDb = openLogDb(process.env.DATABASE_URL!, { poolSize: 1 });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      // A Kysely transaction holds its client (checked out of the pool, not through pool.query) past the failed
      // query: it sends ROLLBACK on the same connection, which is when the connection's end arrives.
      const reading = logDb.kysely
        .transaction()
        .execute((trx) => sql`SELECT pg_sleep(30), 'log-db mid-query' AS tag`.execute(trx));
      reading.catch(() => undefined);
      const sleeping = `SELECT pid FROM pg_stat_activity WHERE query LIKE '%log-db mid-query%' AND pid <> pg_backend_pid()`;
      await expect.poll(async () => (await admin.query(sleeping)).rows.length, { timeout: 15_000 }).toBe(1);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM (${sleeping}) AS s`);
      await expect(reading).rejects.toThrow(/terminat/);
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught).toEqual([]);
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(logDb.kysely);
      expect(rows[0]!.one).toBe(1);
    } finally {
      process.off("uncaughtException", onUncaught);
      await admin.end();
      await logDb.close();
    }
  });
});
