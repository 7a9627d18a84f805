import { configDefaults, defineConfig } from "vitest/config";

// KEYWARD_TEST_DB=postgresql runs the same suite on PostgreSQL (test/global-setup.ts), plus the *.pg.test.ts
// files that exercise PostgreSQL-only code (migration runner, partitions).
const onPostgres = process.env.KEYWARD_TEST_DB === "postgresql";

export default defineConfig({
  // server-only guards the browser bundle inside Next; tests run the same modules outside it (see tsconfig.json).
  resolve: {
    alias: { "@": import.meta.dirname, "server-only": `${import.meta.dirname}/scripts/server-only-shim.ts` },
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    // *.pg.test.ts need PostgreSQL (KEYWARD_TEST_DB=postgresql); *.sqlite.test.ts test SQLite itself (its adapter,
    // a full disk under its file); *.redis.test.ts need a Redis (npm run test:redis).
    exclude: [
      ...configDefaults.exclude,
      "**/*.redis.test.ts",
      ...(onPostgres ? ["**/*.sqlite.test.ts"] : ["**/*.pg.test.ts"]),
    ],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-file.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
