import { execFileSync } from "node:child_process";
import Redis from "ioredis";
import { E2E_ON_POSTGRES, E2E_PG_DATABASE, e2eServerDatabaseEnv } from "./e2e-database";

/** After a PostgreSQL + Redis run: drop the run's database and its Redis keys (each run has its own). */
export default async function globalTeardown() {
  if (!E2E_ON_POSTGRES) return;
  execFileSync("npx", ["tsx", "scripts/e2e-database.ts", "drop", E2E_PG_DATABASE], { stdio: "inherit" });
  const { REDIS_URL, KEYWARD_REDIS_PREFIX } = e2eServerDatabaseEnv();
  const redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${KEYWARD_REDIS_PREFIX}*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
