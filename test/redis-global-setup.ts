import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/**
 * For `npm run test:redis`: the Redis every test file of the run shares (KEYWARD_TEST_REDIS_URL, by default
 * database 15 on 127.0.0.1:6379) and a prefix of the run's own, so runs never see each other's counters or
 * announcements (pub/sub channels ignore the database number). An unreachable Redis fails the run; it never
 * skips. At the end, exactly the run's keys are deleted (never FLUSHDB: the database may be shared).
 */
export default async function setup() {
  const url = process.env.KEYWARD_TEST_REDIS_URL || "redis://127.0.0.1:6379/15";
  const base = process.env.KEYWARD_TEST_REDIS_PREFIX || "keyward-test";
  const runPrefix = `${base}:${randomBytes(6).toString("hex")}:`;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new Error(
      `The Redis tests need a Redis at ${url} (KEYWARD_TEST_REDIS_URL), and it cannot be reached: ` +
        `${(err as Error).message.replace(/\.$/, "")}. Start one, e.g. redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""`,
    );
  }
  process.env.KEYWARD_TEST_REDIS_URL = url;
  process.env.KEYWARD_TEST_REDIS_RUN_PREFIX = runPrefix;
  return async () => {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${runPrefix}*`, "COUNT", 1000);
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    await client.quit();
  };
}
