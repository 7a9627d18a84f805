import { onAdmin } from "../e2e/support/e2e-database";

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
  await onAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    if (action === "create") await client.query(`CREATE DATABASE "${name}"`);
  });
}

main().catch((err: unknown) => {
  console.error(`e2e database: ${(err as Error).message}`);
  process.exit(1);
});
