import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

/**
 * `npm run test:redis`: the Redis-only tests (*.redis.test.ts: two instances sharing limits and key changes,
 * Redis going away mid-traffic), plus the suites whose rate limits, throttles and revocations then run through
 * Redis. Needs a Redis (test/redis-global-setup.ts); it fails, never skips, when there is none.
 */
export default defineConfig({
  resolve: base.resolve,
  test: {
    ...base.test,
    include: [
      "**/*.redis.test.ts",
      "lib/auth/api-key-guard.security.test.ts",
      "app/api/v1/inventory/inventory.error.test.ts",
      "lib/keys/lifecycle.happy.test.ts",
      "app/_server/auth-options.test.ts",
    ],
    exclude: ["node_modules/**"],
    globalSetup: ["test/global-setup.ts", "test/redis-global-setup.ts"],
    setupFiles: ["test/setup-file.ts", "test/redis-setup-file.ts"],
  },
});
