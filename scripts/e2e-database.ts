import pg from "pg";

/**
 * `tsx scripts/e2e-database.ts create|drop <name>`: the PostgreSQL database of one e2e run (playwright.config.ts,
 * KEYWARD_E2E_DB=postgresql), created afresh before the server starts and dropped after the run. On the server of
 * KEYWARD_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
 */
async function main() {
  const [action, name] = process.argv.slice(2);
  if (!["create", "drop"].includes(action ?? "") || !/^keyward_e2e_[a-z0-9_]+$/.test(name ?? "")) {
    console.error("usage: tsx scripts/e2e-database.ts create|drop keyward_e2e_<run>");
    process.exit(2);
  }
  const client = new pg.Client({
    connectionString: process.env.KEYWARD_TEST_PG_URL || "postgresql://postgres@127.0.0.1:5432/postgres",
  });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    if (action === "create") await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

main().catch((err: unknown) => {
  console.error(`e2e database: ${(err as Error).message}`);
  process.exit(1);
});
