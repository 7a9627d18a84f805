import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  // server-only guards the browser bundle inside Next; tests run the same modules outside it (see tsconfig.json).
  resolve: {
    alias: { "@": import.meta.dirname, "server-only": `${import.meta.dirname}/scripts/server-only-shim.ts` },
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    // Those need a Redis: npm run test:redis (vitest.redis.config.mts).
    exclude: [...configDefaults.exclude, "**/*.redis.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-file.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
