import net from "node:net";
import { afterEach, expect, test } from "vitest";
import { RedisLink } from "../redis/redis-link";
import { redisCounters } from "./counter-store";
import { PerMinuteRateLimiter } from "./rate-limiter";

// Runs without any Redis: a link to a port nobody listens on must fall back at once, and say so once.
let link: RedisLink | null = null;
afterEach(async () => {
  await link?.close();
  link = null;
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test("with Redis unreachable from the start, limits count per instance and one line says so", async () => {
  const lines: string[] = [];
  link = new RedisLink({
    url: `redis://127.0.0.1:${await closedPort()}/15`,
    prefix: "unit:",
    log: (level, line) => lines.push(`${level} ${line}`),
  });
  const limiter = new PerMinuteRateLimiter(redisCounters(link));
  const allowed: boolean[] = [];
  for (let i = 0; i < 5; i++) allowed.push((await limiter.consume("key-1", 3)).allowed);
  expect(allowed).toEqual([true, true, true, false, false]);
  expect(link.state).toBe("down");
  // Reconnection attempts keep failing in the background; still one line.
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < 5; i++) await limiter.consume("key-2", 3);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^warn Redis is unreachable \(.*ECONNREFUSED.*\): rate limits and sign-in/);
});
