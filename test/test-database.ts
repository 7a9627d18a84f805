import pg from "pg";
import { scratchAdminUrl } from "../scripts/pg-scratch";

/**
 * --- environment (tests only) ---
 * KEYWARD_TEST_DB  "sqlite" (default) or "postgresql": which database the unit/API suite runs on.
 */
export function testDatabase(): "sqlite" | "postgresql" {
  const v = process.env.KEYWARD_TEST_DB || "sqlite";
  if (v === "sqlite" || v === "postgresql") return v;
  throw new Error(`KEYWARD_TEST_DB must be "sqlite" or "postgresql" (got "${v}")`);
}

/** Databases of one test run (its template and the per-file copies), for the final cleanup. */
export async function listRunDatabases(run: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: scratchAdminUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname LIKE '%\\_tpl' , datname`,
      [`${run}_`],
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}
