import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from "prom-client";

/** Values read when Prometheus scrapes (nothing on the hot path): the writer's queue, the spool, the key cache. */
export type MetricSources = {
  logQueueDepth(): number;
  logSpoolBytes(): number;
  logEntriesWritten(): number;
  keyCache(): { hits: number; misses: number };
};

/** Sub-millisecond guard work up to seconds (a cold key's database lookup, a stalled disk). */
const GUARD_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5];
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const FLUSH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * One histogram series, as plain numbers: observe() is a few comparisons and additions. prom-client's own
 * instruments hash their labels on every call (about 250 ns each, measured), which the guard pays per request;
 * these are turned into Prometheus' format only when scraped.
 */
class Buckets {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= this.bounds[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
}

type Sample = { metricName: string; labels: Record<string, string>; value: number };

/** A histogram family of Buckets, one per label value, registered with prom-client's registry as a metric. */
class HistogramFamily {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<string, Buckets>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    private readonly labelName: string | null = null,
  ) {}

  /** The series of one label value (made once; callers keep it). */
  seriesFor(labelValue = ""): Buckets {
    let buckets = this.series.get(labelValue);
    if (!buckets) this.series.set(labelValue, (buckets = new Buckets(this.bounds)));
    return buckets;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    const values: Sample[] = [];
    for (const [labelValue, b] of this.series) {
      const base: Record<string, string> = this.labelName ? { [this.labelName]: labelValue } : {};
      let cumulative = 0;
      b.bounds.forEach((bound, i) => {
        cumulative += b.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: String(bound), ...base }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: "+Inf", ...base }, value: b.count });
      values.push({ metricName: `${this.name}_sum`, labels: base, value: b.sum });
      values.push({ metricName: `${this.name}_count`, labels: base, value: b.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}

/** One route's instruments: a request adds to plain numbers found by two small map lookups (no allocation). */
export class RouteMetrics {
  /** Requests by status, then outcome. */
  readonly counts = new Map<number, Map<string, { n: number }>>();

  constructor(
    private readonly duration: Buckets,
    private readonly guard: Buckets,
  ) {}

  /**
   * One partner request: its status, its outcome ("ok" or the error code), the whole request as the guard saw
   * it and the guard's own part of it (everything but the handler), in seconds.
   */
  record(status: number, outcome: string, totalSeconds: number, guardSeconds: number): void {
    let byOutcome = this.counts.get(status);
    if (!byOutcome) this.counts.set(status, (byOutcome = new Map()));
    const counter = byOutcome.get(outcome);
    if (counter) counter.n++;
    else byOutcome.set(outcome, { n: 1 });
    this.duration.observe(totalSeconds);
    this.guard.observe(guardSeconds);
  }
}

/**
 * Keyward's Prometheus metrics, in one registry (served at /api/metrics): partner requests, guard latency, the
 * request log writer, the key cache, the dependencies' state, and Node's default process metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly routes = new Map<string, RouteMetrics>();
  private readonly requestDuration: HistogramFamily;
  private readonly guardDuration: Buckets;
  private readonly flushDuration: Histogram;
  private readonly flushFailures: Counter;
  private readonly dependencyUp: Gauge<"dependency">;
  private readonly jobRuns: Counter<"job">;

  constructor(sources: MetricSources, opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const routes = this.routes;

    new Counter({
      name: "keyward_partner_requests_total",
      help: "Partner API requests answered, by route pattern, HTTP status and outcome (ok or the error code).",
      labelNames: ["route", "status", "outcome"] as const,
      registers,
      collect() {
        this.reset();
        for (const [route, metrics] of routes) {
          for (const [status, byOutcome] of metrics.counts) {
            for (const [outcome, { n }] of byOutcome) this.inc({ route, status: String(status), outcome }, n);
          }
        }
      },
    });
    this.requestDuration = new HistogramFamily(
      "keyward_partner_request_duration_seconds",
      "Partner API requests from the guard's start to the response, log entry spooled, by route pattern.",
      REQUEST_BUCKETS,
      "route",
    );
    const guard = new HistogramFamily(
      "keyward_guard_duration_seconds",
      "The API-key guard's own time per request (credentials, key cache, secret, checks, rate limit, log spool), without the handler.",
      GUARD_BUCKETS,
    );
    this.guardDuration = guard.seriesFor();
    // Duck-typed metrics (name, help, type, get, reset) are what the registry reads.
    this.registry.registerMetric(this.requestDuration as unknown as Metric);
    this.registry.registerMetric(guard as unknown as Metric);

    this.flushDuration = new Histogram({
      name: "keyward_log_flush_duration_seconds",
      help: "Time to store one batch of request log entries in the database (failed attempts included).",
      buckets: FLUSH_BUCKETS,
      registers,
    });
    this.flushFailures = new Counter({
      name: "keyward_log_flush_failures_total",
      help: "Request log batches the database refused (they are retried; the spool keeps them meanwhile).",
      registers,
    });
    new Counter({
      name: "keyward_log_entries_written_total",
      help: "Request log entries stored in the database by this instance.",
      registers,
      collect() {
        this.reset();
        this.inc(sources.logEntriesWritten());
      },
    });
    new Gauge({
      name: "keyward_log_queue_depth",
      help: "Request log entries waiting for the next database flush (buffered and retried batches).",
      registers,
      collect() {
        this.set(sources.logQueueDepth());
      },
    });
    new Gauge({
      name: "keyward_log_spool_bytes",
      help: "Bytes of request log spool on disk (entries not yet confirmed stored in the database).",
      registers,
      collect() {
        this.set(sources.logSpoolBytes());
      },
    });
    new Counter({
      name: "keyward_key_cache_hits_total",
      help: "Key lookups answered by the in-process key cache.",
      registers,
      collect() {
        this.reset();
        this.inc(sources.keyCache().hits);
      },
    });
    new Counter({
      name: "keyward_key_cache_misses_total",
      help: "Key lookups that went to the database (or joined a lookup already under way).",
      registers,
      collect() {
        this.reset();
        this.inc(sources.keyCache().misses);
      },
    });
    this.jobRuns = new Counter({
      name: "keyward_job_runs_total",
      help: "Background job periods this instance ran (expiry sweep, retention...); across a cluster each period runs once.",
      labelNames: ["job"] as const,
      registers,
    });
    this.dependencyUp = new Gauge({
      name: "keyward_dependency_up",
      help: "1 when a dependency (database, redis) answered its last check, 0 when it did not.",
      labelNames: ["dependency"] as const,
      registers,
    });
  }

  jobRan(job: string): void {
    this.jobRuns.inc({ job });
  }

  /** The instruments of one route pattern (never a raw path: the label set stays small), made once per route. */
  forRoute(route: string): RouteMetrics {
    let metrics = this.routes.get(route);
    if (!metrics) {
      metrics = new RouteMetrics(this.requestDuration.seriesFor(route), this.guardDuration);
      this.routes.set(route, metrics);
    }
    return metrics;
  }

  /** After each attempt to store a request log batch. */
  logFlushed(seconds: number, failed: boolean): void {
    this.flushDuration.observe(seconds);
    if (failed) this.flushFailures.inc();
  }

  /** A dependency's state (readiness checks set it; a client's connect/disconnect events may too). */
  setDependencyUp(dependency: string, up: boolean): void {
    this.dependencyUp.labels(dependency).set(up ? 1 : 0);
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
