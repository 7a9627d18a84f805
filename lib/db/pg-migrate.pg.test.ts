import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, scratchAdminUrl, withDatabase } from "@/scripts/pg-scratch";
import { MIGRATIONS_DIR, migratePostgres, readMigrations } from "./pg-migrate";

const run = promisify(execFile);
const created: string[] = [];

/** An empty database of this test run (dropped at the end). */
async function freshDatabase(label: string): Promise<string> {
  const name = `${process.env.KEYWARD_TEST_PG_RUN}_${label}_${Math.random().toString(36).slice(2, 8)}`;
  await createDatabase(name);
  created.push(name);
  return withDatabase(scratchAdminUrl(), name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  for (const name of created) await dropDatabase(name);
});

describe("migratePostgres", () => {
  it("applies each migration exactly once when several instances start at the same moment", async () => {
    const url = await freshDatabase("concurrent");
    const instances = 5;
    const results = await Promise.all(
      Array.from({ length: instances }, () =>
        run(path.join("node_modules", ".bin", "tsx"), ["test/pg-migrate-child.ts", url]).then(
          (r) => JSON.parse(r.stdout) as { applied: string[] },
        ),
      ),
    );
    const names = readMigrations().map((m) => m.name);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    const rows = await query<{ migration_name: string; n: string }>(
      url,
      `SELECT migration_name, count(*) AS n FROM "_prisma_migrations" GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual(names.map((n) => ({ migration_name: n, n: "1" })));
  }, 120_000);

  it("records what `prisma migrate deploy` records: name, sha-256 of the file, finished", async () => {
    const url = await freshDatabase("record");
    const started = performance.now();
    const first = await migratePostgres(url);
    console.log(`[test] migrate a fresh PostgreSQL database: ${(performance.now() - started).toFixed(0)} ms`);
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    const rows = await query<{ migration_name: string; checksum: string; done: boolean; steps: number }>(
      url,
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS done, applied_steps_count AS steps
         FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const init = fs.readFileSync(path.join(MIGRATIONS_DIR, rows[0]!.migration_name, "migration.sql"));
    expect(rows[0]).toEqual({
      migration_name: rows[0]!.migration_name,
      checksum: createHash("sha256").update(init).digest("hex"),
      done: true,
      steps: 1,
    });
    expect(await migratePostgres(url)).toEqual({ applied: [], modified: [] });
  });

  it("rolls a failing migration back whole, records nothing of it, and says which one failed", async () => {
    const url = await freshDatabase("failing");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-migrations-"));
    const write = (name: string, sql: string) => {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
    };
    write("20260101000000_a", `CREATE TABLE "A" ("id" TEXT PRIMARY KEY);`);
    write("20260102000000_b", `CREATE TABLE "B" ("id" TEXT PRIMARY KEY);\nINSERT INTO "Missing" VALUES (1);`);
    await expect(migratePostgres(url, { dir })).rejects.toThrow(/20260102000000_b failed \(rolled back\).*Missing/);
    const tables = await query<{ t: string }>(
      url,
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    expect(tables.map((r) => r.t)).toEqual(["A", "_prisma_migrations"]);
    const recorded = await query<{ migration_name: string }>(url, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(recorded.map((r) => r.migration_name)).toEqual(["20260101000000_a"]);

    // Fixed and started again: only the failed one runs. A changed, already applied file is reported, not rerun.
    fs.writeFileSync(path.join(dir, "20260102000000_b", "migration.sql"), `CREATE TABLE "B" ("id" TEXT PRIMARY KEY);`);
    fs.appendFileSync(path.join(dir, "20260101000000_a", "migration.sql"), "\n-- a comment added later\n");
    expect(await migratePostgres(url, { dir })).toEqual({
      applied: ["20260102000000_b"],
      modified: ["20260101000000_a"],
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs a script with a function body whole (the adapter's executeScript would split it at each ';')", async () => {
    const url = await freshDatabase("function");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-migrations-"));
    fs.mkdirSync(path.join(dir, "20260101000000_fn"));
    fs.writeFileSync(
      path.join(dir, "20260101000000_fn", "migration.sql"),
      `CREATE FUNCTION "twice"(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN x * 2; END; $$;\nSELECT 1;`,
    );
    await migratePostgres(url, { dir });
    expect(await query<{ v: number }>(url, `SELECT "twice"(21) AS v`)).toEqual([{ v: 42 }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
