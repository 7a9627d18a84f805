import "server-only";
import { performance } from "node:perf_hooks";

/**
 * One thing an instance needs before a load balancer sends it traffic (the database, Redis…). The list is
 * assembled in the composition root (lib/services.ts): a new dependency adds its check there.
 */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or outlasts the timeout) when it does not. */
  check(): Promise<unknown>;
}

export type CheckResult = { name: string; ok: boolean; latencyMs: number; error?: string };
export type Readiness = { ready: boolean; checks: CheckResult[] };

/** A check must answer within this; load balancers probe every few seconds and must not pile up waiting. */
export const READINESS_TIMEOUT_MS = 1000;

/**
 * Run every check at once, each within the timeout. The result names each check with its latency; a failure
 * says only "timed out" or "failed" (the endpoint is public: causes go to the server log via onFailure).
 */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  opts: { timeoutMs?: number; onFailure?: (name: string, err: unknown) => void } = {},
): Promise<Readiness> {
  const timeoutMs = opts.timeoutMs ?? READINESS_TIMEOUT_MS;
  const results = await Promise.all(
    checks.map(async (c): Promise<CheckResult> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
      try {
        const outcome = await Promise.race([c.check().then(() => "ok" as const), timedOut]);
        const latencyMs = round(performance.now() - started);
        if (outcome === "ok") return { name: c.name, ok: true, latencyMs };
        opts.onFailure?.(c.name, new Error(`no answer within ${timeoutMs} ms`));
        return { name: c.name, ok: false, latencyMs, error: `timed out after ${timeoutMs} ms` };
      } catch (err) {
        opts.onFailure?.(c.name, err);
        return { name: c.name, ok: false, latencyMs: round(performance.now() - started), error: "failed" };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every((r) => r.ok), checks: results };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The database answers a trivial query (the same SQL on SQLite and PostgreSQL). */
export function databaseCheck(db: () => { $queryRawUnsafe(sql: string): Promise<unknown> }): ReadinessCheck {
  return { name: "database", check: () => db().$queryRawUnsafe("SELECT 1") };
}

/** Redis answers a PING (only when instances share through Redis). */
export function redisCheck(link: { client: { ping(): Promise<unknown> } }): ReadinessCheck {
  return { name: "redis", check: () => link.client.ping() };
}
