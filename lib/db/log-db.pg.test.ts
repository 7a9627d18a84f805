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
});
