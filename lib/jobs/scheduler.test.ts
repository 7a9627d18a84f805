import { afterAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "../services";
import { db } from "../db";

/**
 * Two instances on one database: each is a whole services set from the composition root (its own instance id,
 * its own scheduler and leases), as two processes behind a load balancer would be. They share this process's
 * database client: two SQLite connections in one process would deadlock on a write lock (better-sqlite3 waits
 * for a busy database synchronously, blocking the event loop the other connection needs to commit); separate
 * processes, or PostgreSQL, have no such problem.
 */
function instance(id: string): Services {
  return createServices({ db: () => db(), instance: (s) => ({ id, dataDir: s.env.dataDir }) });
}

const a = instance("instanceaaaaaaaa");
const b = instance("instancebbbbbbbb");
afterAll(() => {
  // Not close(): the database client is the process's, closed by the test setup.
  a.jobs.stop();
  b.jobs.stop();
});

// Far ahead of the real clock, so the schedulers' own timers (real time) never claim a period of this test.
const T0 = Date.UTC(2100, 0, 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("JobScheduler: once per cluster per period", () => {
  it("two instances ticking concurrently, many times: each period's job runs exactly once", async () => {
    const INTERVAL = 60_000;
    const PERIODS = 40;
    const runs: { period: number; by: string }[] = [];
    for (const s of [a, b]) {
      s.jobs.every("count-periods", INTERVAL, async ({ start }) => {
        runs.push({ period: (start.getTime() - T0) / INTERVAL, by: s.instance.id });
        await sleep(Math.random() * 5); // a body that takes a little while, as real jobs do
      });
    }
    let won = 0;
    for (let p = 0; p < PERIODS; p++) {
      // Several ticks per period on each instance, at different moments of it, all at once, in random order.
      const ticks = [0, 1, 2, 3].flatMap((k) => {
        const at = T0 + p * INTERVAL + k * 13_000 + Math.floor(Math.random() * 1000);
        return [() => a.jobs.runDue("count-periods", at), () => b.jobs.runDue("count-periods", at + 7)];
      });
      ticks.sort(() => Math.random() - 0.5);
      won += (await Promise.all(ticks.map((tick) => tick()))).filter(Boolean).length;
      // And a late tick of each, after the run ended: the period is taken.
      won += (await Promise.all([a, b].map((s) => s.jobs.runDue("count-periods", T0 + p * INTERVAL + 59_000)))).filter(
        Boolean,
      ).length;
    }
    const perPeriod = new Map<number, number>();
    for (const r of runs) perPeriod.set(r.period, (perPeriod.get(r.period) ?? 0) + 1);
    expect([...perPeriod.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: PERIODS }, (_, i) => i));
    expect([...perPeriod.values()].every((n) => n === 1)).toBe(true);
    expect(won).toBe(PERIODS);
    // Both instances did take periods (whichever asked first won): the work is not pinned to one.
    expect(new Set(runs.map((r) => r.by))).toEqual(new Set(["instanceaaaaaaaa", "instancebbbbbbbb"]));
    const lease = await db().jobLease.findUniqueOrThrow({ where: { name: "count-periods" } });
    expect(lease.periodStart.getTime()).toBe(T0 + (PERIODS - 1) * INTERVAL);
  });

  it("a run never overlaps itself: while one instance's run lasts, the next period waits for it", async () => {
    const INTERVAL = 1_000;
    const start = T0 + 10_000_000;
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const periods: number[] = [];
    a.jobs.every("slow", INTERVAL, async ({ start: s }) => {
      periods.push(s.getTime());
      if (periods.length === 1) await slow;
    });
    b.jobs.every("slow", INTERVAL, async ({ start: s }) => {
      periods.push(s.getTime());
    });
    // Claimed late in its period: its lease (one interval from the claim) reaches into the next period.
    const first = a.jobs.runDue("slow", start + 900);
    await sleep(20);
    // The next period has begun, but the first run is still under way.
    expect(await b.jobs.runDue("slow", start + INTERVAL + 10)).toBe(false);
    release();
    expect(await first).toBe(true);
    // Released when it ended: the period it overran can now run, once.
    expect(await b.jobs.runDue("slow", start + INTERVAL + 20)).toBe(true);
    expect(await a.jobs.runDue("slow", start + INTERVAL + 30)).toBe(false);
    expect(periods).toEqual([start, start + INTERVAL]);
  });

  it("an instance that died mid-run holds the period only until its lease ends", async () => {
    const INTERVAL = 1_000;
    const start = T0 + 20_000_000;
    const leases = await import("./job-leases");
    // The dead instance: claimed, never released.
    expect(
      await new leases.PrismaJobLeases(() => db()).claim(
        "crashy",
        "deadinstance0000",
        new Date(start),
        new Date(start + INTERVAL),
        new Date(start),
      ),
    ).toBe(true);
    const ran: number[] = [];
    b.jobs.every("crashy", INTERVAL, async ({ start: s }) => void ran.push(s.getTime()));
    expect(await b.jobs.runDue("crashy", start + INTERVAL - 1)).toBe(false); // its own period: taken
    expect(await b.jobs.runDue("crashy", start + INTERVAL + 500)).toBe(true); // lease over: next period runs
    expect(ran).toEqual([start + INTERVAL]);
  });

  it("a failing job is reported, and the next period runs again", async () => {
    const INTERVAL = 1_000;
    const start = T0 + 30_000_000;
    let calls = 0;
    a.jobs.every("flaky", INTERVAL, async () => {
      if (calls++ === 0) throw new Error("database is locked");
    });
    expect(await a.jobs.runDue("flaky", start)).toBe(false);
    expect(await a.jobs.runDue("flaky", start + INTERVAL)).toBe(true);
    expect(calls).toBe(2);
  });
});
