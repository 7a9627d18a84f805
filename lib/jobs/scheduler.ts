import "server-only";
import type { JobLeases } from "./job-leases";

type Job = {
  intervalMs: number;
  run: (period: { start: Date }) => Promise<unknown>;
  /** Start of the last period this process ran: no need to ask the database again until the next one. */
  lastRun: number | null;
  running: boolean;
};

type SchedulerOptions = {
  leases: JobLeases;
  /** The instance id written into the leases this scheduler claims. */
  holder: string;
  onError: (job: string, err: unknown) => void;
  /** Called when this instance has run a job's period (counted in /api/metrics: a cluster runs each once). */
  onRun?: (job: string) => void;
};

/**
 * Background jobs, run once per cluster per period. Time is cut into periods of each job's interval (aligned
 * to the epoch, so every instance agrees on them); every instance checks a few times per period, and the run
 * goes to whichever claims the period first in the shared database (lib/jobs/job-leases.ts). One instance
 * alone runs every period; with several, each period still runs once. A job never overlaps itself, here or
 * elsewhere: the next period cannot be claimed while a run's lease lasts (one interval, released when the run
 * ends). A failed run is logged; the next period tries again.
 */
export class JobScheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: SchedulerOptions) {}

  /** Whether a job of that name is registered (so a second start is a no-op). */
  has(name: string): boolean {
    return this.jobs.has(name);
  }

  /** Register a job (once per name, however often a caller asks) and check for its period a few times per period. */
  every(name: string, intervalMs: number, run: Job["run"]): void {
    if (this.jobs.has(name)) return;
    this.jobs.set(name, { intervalMs, run, lastRun: null, running: false });
    // Four checks per period (at most one a second): a period is not missed when a timer fires late.
    const checkMs = Math.min(intervalMs, Math.max(1000, Math.floor(intervalMs / 4)));
    const timer = setInterval(() => void this.runDue(name), checkMs);
    timer.unref();
    this.timers.set(name, timer);
  }

  /**
   * Run the job for the period `now` falls in, if no instance has run it yet and this one wins the claim.
   * Resolves to whether this call ran it; errors are reported to onError, never thrown.
   */
  async runDue(name: string, now = Date.now()): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job || job.running) return false;
    const periodStart = now - (now % job.intervalMs);
    if (job.lastRun === periodStart) return false;
    job.running = true;
    try {
      const { leases, holder } = this.opts;
      const start = new Date(periodStart);
      if (!(await leases.claim(name, holder, start, new Date(now + job.intervalMs), new Date(now)))) return false;
      job.lastRun = periodStart;
      const began = Date.now();
      try {
        await job.run({ start });
        this.opts.onRun?.(name);
      } finally {
        // On the caller's clock (a test's may be fixed): when the run ended.
        await leases.release(name, holder, start, new Date(now + Date.now() - began));
      }
      return true;
    } catch (err) {
      this.opts.onError(name, err);
      return false;
    } finally {
      job.running = false;
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
