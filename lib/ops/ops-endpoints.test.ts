import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as getHealth } from "@/app/api/health/route";
import { GET as getReady } from "@/app/api/ready/route";
import { GET as getMetrics } from "@/app/api/metrics/route";
import { GET as getItem } from "@/app/api/v1/inventory/[id]/route";
import { call, credsOf, expectErrorBody, makeItem, makeKey, makeUser, overrideServices } from "@/test/fixtures";
import { services } from "@/lib/services";
import { TOKEN_FAILURES_PER_MINUTE } from "@/lib/auth/failed-auth-throttle";
import { bearerMatches } from "./ops-endpoints";
import type { ReadinessCheck } from "./readiness";

const TOKEN = "metrics-token-0123456789abcdef";
let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

const withToken = () => {
  const env = { ...services().env, KEYWARD_METRICS_TOKEN: TOKEN };
  restore = overrideServices({ env: () => env });
};
const scrape = (authorization?: string) =>
  call((req) => getMetrics(req), { path: "/api/metrics", headers: authorization ? { authorization } : {} });

async function scrapeText(): Promise<string> {
  const res = await getMetrics(
    new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }),
  );
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

/** The value of one sample line, e.g. sample(text, 'keyward_log_queue_depth'). */
function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe("GET /api/health", () => {
  it("answers 200 without consulting anything", async () => {
    const res = await getHealth();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /api/ready", () => {
  // A serving instance's pool is connected already: the first check of this test file must not pay (and, on a
  // loaded machine, time out on) opening the first PostgreSQL connection.
  beforeAll(async () => {
    await services().db.$queryRaw`SELECT 1`;
  });

  it("is ready when the database answers, listing each check with its latency", async () => {
    const res = await getReady();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ready",
      checks: [{ name: "database", ok: true, latencyMs: expect.any(Number) }],
    });
  });

  it("answers 503 when a registered check fails or hangs, naming it without its cause", async () => {
    const failing: ReadinessCheck = {
      name: "redis",
      check: async () => {
        throw new Error("connect ECONNREFUSED 10.0.0.7:6379");
      },
    };
    const hanging: ReadinessCheck = { name: "queue", check: () => new Promise(() => undefined) };
    const checks = [...services().readiness, failing, hanging];
    restore = overrideServices({ readiness: () => checks });
    const started = Date.now();
    const res = await getReady();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toEqual({
      status: "not_ready",
      checks: [
        { name: "database", ok: true, latencyMs: expect.any(Number) },
        { name: "redis", ok: false, latencyMs: expect.any(Number), error: "failed" },
        { name: "queue", ok: false, latencyMs: expect.any(Number), error: "timed out after 1000 ms" },
      ],
    });
    expect(JSON.stringify(body)).not.toContain("10.0.0.7");
  });
});

describe("GET /api/metrics", () => {
  it("does not exist while KEYWARD_METRICS_TOKEN is unset", async () => {
    const res = await scrape(`Bearer ${TOKEN}`);
    expectErrorBody(res, { status: 404, code: "not_found", message: "Not found." });
  });

  it.each([
    ["no Authorization header", undefined],
    ["a wrong token", "Bearer metrics-token-0123456789abcdeX"],
    ["a prefix of the token", `Bearer ${TOKEN.slice(0, -1)}`],
    ["the token in another scheme", `Basic ${TOKEN}`],
  ])("refuses %s with 401 and a Bearer challenge", async (_what, authorization) => {
    withToken();
    const res = await scrape(authorization);
    expectErrorBody(res, {
      status: 401,
      code: "unauthenticated",
      message: "Send the metrics token as Authorization: Bearer <KEYWARD_METRICS_TOKEN>.",
    });
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="keyward-metrics"');
  });

  it("caps wrong tokens per address: past the limit even the right token gets 429, other addresses are not affected; right tokens cost nothing", async () => {
    withToken();
    const from = (ip: string, authorization: string) =>
      call((req) => getMetrics(req), { path: "/api/metrics", ip, headers: { authorization } });
    const rightFrom = async (ip: string) =>
      (
        await getMetrics(
          new Request("http://localhost/api/metrics", {
            headers: { authorization: `Bearer ${TOKEN}`, "x-keyward-client-ip": ip },
          }),
        )
      ).status;
    // A scraper with the right token is never counted: twice the limit of scrapes, all answered.
    for (let i = 0; i < TOKEN_FAILURES_PER_MINUTE * 2; i++) expect(await rightFrom("198.51.100.77")).toBe(200);
    for (let i = 0; i < TOKEN_FAILURES_PER_MINUTE; i++) {
      expect((await from("198.51.100.77", `Bearer wrong-guess-${i}-0123456789`)).status).toBe(401);
    }
    const guess = await from("198.51.100.77", `Bearer ${TOKEN}`);
    expectErrorBody(guess, {
      status: 429,
      code: "rate_limited",
      message: /^Too many wrong metrics tokens from 198\.51\.100\.77\. Retry in \d+ s\.$/,
    });
    expect(Number(guess.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await rightFrom("198.51.100.78")).toBe(200);
  });

  it("serves partner requests by route pattern, status and outcome, guard latency, the log writer, the key cache and Node's metrics", async () => {
    withToken();
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    const item = await makeItem();
    const before = await scrapeText();
    const series = (status: number, outcome: string) =>
      `keyward_partner_requests_total{route="/api/v1/inventory/{id}",status="${status}",outcome="${outcome}"}`;
    const countOf = (text: string, status: number, outcome: string) => sample(text, series(status, outcome)) ?? 0;

    for (let i = 0; i < 3; i++) {
      const ok = await call(getItem, {
        path: `/api/v1/inventory/${item.id}`,
        key: credsOf(made),
        params: { id: item.id },
      });
      expect(ok.status).toBe(200);
    }
    const missing = await call(getItem, { path: "/api/v1/inventory/nope", key: credsOf(made), params: { id: "nope" } });
    expect(missing.status).toBe(404);
    const refused = await call(getItem, { path: `/api/v1/inventory/${item.id}`, params: { id: item.id } });
    expect(refused.status).toBe(401);

    const text = await scrapeText();
    expect(countOf(text, 200, "ok") - countOf(before, 200, "ok")).toBe(3);
    expect(countOf(text, 404, "not_found") - countOf(before, 404, "not_found")).toBe(1);
    expect(countOf(text, 401, "missing_credentials") - countOf(before, 401, "missing_credentials")).toBe(1);
    // The raw path (an item id) is never a label: the series stay few.
    expect(text).not.toContain(item.id);

    const guardCount = (t: string) => sample(t, "keyward_guard_duration_seconds_count") ?? 0;
    expect(guardCount(text) - guardCount(before)).toBe(5);
    expect(text).toMatch(/^keyward_guard_duration_seconds_bucket\{le="0\.0001"\} \d+$/m);
    expect(text).toMatch(
      /^keyward_partner_request_duration_seconds_count\{route="\/api\/v1\/inventory\/\{id\}"\} \d+$/m,
    );
    // The first lookup of the key missed the cache, the next ones hit it.
    expect(
      (sample(text, "keyward_key_cache_hits_total") ?? 0) - (sample(before, "keyward_key_cache_hits_total") ?? 0),
    ).toBe(3);
    expect(sample(text, "keyward_key_cache_misses_total")).toBeGreaterThanOrEqual(1);

    // The writer's gauges (their values are tested in metrics.test.ts); once flushed, nothing waits.
    expect(text).toMatch(/^keyward_log_queue_depth \d+$/m);
    expect(text).toMatch(/^keyward_log_spool_bytes \d+$/m);
    await services().logWriter.flush();
    const flushed = await scrapeText();
    expect(sample(flushed, "keyward_log_queue_depth")).toBe(0);
    expect(sample(flushed, "keyward_log_spool_bytes")).toBe(0);
    expect(sample(flushed, "keyward_log_flush_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sample(flushed, "keyward_log_flush_failures_total")).toBe(0);
    expect(sample(flushed, "keyward_log_entries_written_total")).toBeGreaterThanOrEqual(5);

    // Node's default process metrics, and the dependency gauge a readiness probe sets.
    expect(flushed).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(flushed).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    await getReady();
    expect(sample(await scrapeText(), 'keyward_dependency_up{dependency="database"}')).toBe(1);
  });
});

describe("bearerMatches", () => {
  it("accepts exactly the token, case-insensitive scheme, and nothing else", () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches("Bearer", TOKEN)).toBe(false);
    expect(bearerMatches(null, TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
  });
});
