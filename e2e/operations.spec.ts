import path from "node:path";
import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { E2E_ON_POSTGRES } from "./support/e2e-database";

// Set for the Playwright server in playwright.config.ts.
const METRICS_TOKEN = "e2e-metrics-token-0123456789abcdef";
const DATA_DIR = path.resolve("e2e/.artifacts/data");
const BASE_PORT = Number(process.env.E2E_PORT) || 3210;

test("a load balancer's probes: liveness, readiness with the database (and Redis) check", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });

  const ready = await request.get("/api/ready");
  expect(ready.status()).toBe(200);
  const body = (await ready.json()) as { status: string; checks: { name: string; ok: boolean; latencyMs: number }[] };
  expect(body.status).toBe("ready");
  // With Redis configured (the PostgreSQL + Redis run), readiness checks it too.
  const expected = ["database", ...(E2E_ON_POSTGRES ? ["redis"] : [])];
  expect(body.checks).toEqual(expected.map((name) => ({ name, ok: true, latencyMs: expect.any(Number) })));
});

test("Prometheus scrapes /api/metrics with the token, and only with it", async ({ request }) => {
  expect((await request.get("/api/metrics")).status()).toBe(401);
  expect(
    (await request.get("/api/metrics", { headers: { authorization: "Bearer wrong-token-000000000" } })).status(),
  ).toBe(401);
  // A refused partner call is counted under its route pattern.
  expect((await request.get("/api/v1/offers/some-offer-id")).status()).toBe(401);
  const res = await request.get("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/plain");
  const text = await res.text();
  expect(text).toMatch(
    /^keyward_partner_requests_total\{route="\/api\/v1\/offers\/\{id\}",status="401",outcome="missing_credentials"\} [1-9]/m,
  );
  expect(text).not.toContain("some-offer-id");
  expect(text).toMatch(/^keyward_guard_duration_seconds_count [1-9]/m);
  expect(text).toMatch(/^keyward_log_queue_depth \d+$/m);
  expect(text).toMatch(/^process_resident_memory_bytes \d/m);
});

test("a second process on a data folder in use refuses to start, naming the holder", async () => {
  test.setTimeout(120_000);
  const second = spawn("npx", ["tsx", "scripts/start.ts"], {
    env: { ...process.env, PORT: String(BASE_PORT + 23), KEYWARD_DATA_DIR: DATA_DIR, KEYWARD_LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  second.stdout.on("data", (d) => (out += String(d)));
  second.stderr.on("data", (d) => (out += String(d)));
  const code = await new Promise<number | null>((resolve) => second.once("exit", (c) => resolve(c)));
  expect(code).toBe(1);
  expect(out).toContain(`The data folder ${DATA_DIR} is in use by Keyward process`);
  expect(out).toContain("give this one another KEYWARD_DATA_DIR");
  expect(out).not.toContain("ready on");
});
