import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics";

function fakeSources() {
  const state = { queue: 0, spool: 0, written: 0, hits: 0, misses: 0 };
  const metrics = new Metrics(
    {
      logQueueDepth: () => state.queue,
      logSpoolBytes: () => state.spool,
      logEntriesWritten: () => state.written,
      keyCache: () => ({ hits: state.hits, misses: state.misses }),
    },
    { defaultMetrics: false },
  );
  return { metrics, state };
}

const line = (text: string, series: string) => text.split("\n").find((l) => l.startsWith(`${series} `));

describe("Metrics", () => {
  it("reads the writer's queue, the spool and the key cache when scraped, not before", async () => {
    const { metrics, state } = fakeSources();
    Object.assign(state, { queue: 7, spool: 4096, written: 1234, hits: 99, misses: 3 });
    let { body } = await metrics.scrape();
    expect(line(body, "keyward_log_queue_depth")).toBe("keyward_log_queue_depth 7");
    expect(line(body, "keyward_log_spool_bytes")).toBe("keyward_log_spool_bytes 4096");
    expect(line(body, "keyward_log_entries_written_total")).toBe("keyward_log_entries_written_total 1234");
    expect(line(body, "keyward_key_cache_hits_total")).toBe("keyward_key_cache_hits_total 99");
    expect(line(body, "keyward_key_cache_misses_total")).toBe("keyward_key_cache_misses_total 3");
    Object.assign(state, { queue: 0, hits: 150 });
    ({ body } = await metrics.scrape());
    expect(line(body, "keyward_log_queue_depth")).toBe("keyward_log_queue_depth 0");
    expect(line(body, "keyward_key_cache_hits_total")).toBe("keyward_key_cache_hits_total 150");
  });

  it("counts requests per route, status and outcome, and times the guard in sub-millisecond buckets", async () => {
    const { metrics } = fakeSources();
    const route = metrics.forRoute("/api/v1/offers/{id}");
    expect(metrics.forRoute("/api/v1/offers/{id}")).toBe(route);
    route.record(200, "ok", 0.004, 0.00008);
    route.record(200, "ok", 0.003, 0.0002);
    route.record(403, "insufficient_scope", 0.0003, 0.0003);
    const { body } = await metrics.scrape();
    expect(body).toContain('keyward_partner_requests_total{route="/api/v1/offers/{id}",status="200",outcome="ok"} 2');
    expect(body).toContain(
      'keyward_partner_requests_total{route="/api/v1/offers/{id}",status="403",outcome="insufficient_scope"} 1',
    );
    expect(body).toContain('keyward_guard_duration_seconds_bucket{le="0.0001"} 1');
    expect(body).toContain('keyward_guard_duration_seconds_bucket{le="0.00025"} 2');
    expect(body).toContain('keyward_guard_duration_seconds_bucket{le="0.0005"} 3');
    expect(body).toContain('keyward_partner_request_duration_seconds_bucket{le="0.005",route="/api/v1/offers/{id}"} 3');
  });

  it("records flushes and failures, and dependencies' state", async () => {
    const { metrics } = fakeSources();
    metrics.logFlushed(0.012, false);
    metrics.logFlushed(2, true);
    metrics.setDependencyUp("database", true);
    metrics.setDependencyUp("redis", false);
    const { body, contentType } = await metrics.scrape();
    expect(contentType).toContain("text/plain");
    expect(line(body, "keyward_log_flush_duration_seconds_count")).toBe("keyward_log_flush_duration_seconds_count 2");
    expect(line(body, "keyward_log_flush_failures_total")).toBe("keyward_log_flush_failures_total 1");
    expect(body).toContain('keyward_dependency_up{dependency="database"} 1');
    expect(body).toContain('keyward_dependency_up{dependency="redis"} 0');
  });

  it("counts the background job periods this instance ran, per job", async () => {
    const { metrics } = fakeSources();
    metrics.jobRan("expire-keys");
    metrics.jobRan("expire-keys");
    metrics.jobRan("log-retention");
    const { body } = await metrics.scrape();
    expect(body).toContain('keyward_job_runs_total{job="expire-keys"} 2');
    expect(body).toContain('keyward_job_runs_total{job="log-retention"} 1');
  });
});
