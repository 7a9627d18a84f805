import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Redis from "ioredis";
import { E2E_DATA_DIR, E2E_ON_POSTGRES, E2E_PG_DATABASE, e2eServerDatabaseEnv } from "./e2e-database";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Playwright runs this before it stops the web server, which would then log a failed job a second for a database
 * that is gone. So first stop that server gracefully (its pid is in the data folder's instance holder file),
 * waiting up to 20 s.
 */
async function stopWebServer() {
  let pid: number;
  try {
    pid = (JSON.parse(fs.readFileSync(path.join(E2E_DATA_DIR, "instance.lock.json"), "utf8")) as { pid: number }).pid;
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || !alive(pid)) return;
  process.kill(pid, "SIGTERM");
  for (const deadline = Date.now() + 20_000; alive(pid) && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** After a PostgreSQL + Redis run: drop the run's database and its Redis keys (each run has its own). */
export default async function globalTeardown() {
  if (!E2E_ON_POSTGRES) return;
  await stopWebServer();
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
