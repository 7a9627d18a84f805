import "server-only";
/**
 * Background jobs of one process: each runs every intervalMs, never overlapping itself, and is registered once
 * by name however often a caller asks (a dev-server reload, a second instrumentation call). A failed run is
 * logged and the next tick tries again.
 */
export class JobScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();

  constructor(private readonly onError: (job: string, err: unknown) => void) {}

  /** Whether a job of that name is registered (so a second start is a no-op). */
  has(name: string): boolean {
    return this.timers.has(name);
  }

  every(name: string, intervalMs: number, run: () => Promise<unknown>): void {
    if (this.timers.has(name)) return;
    const tick = () => {
      if (this.running.has(name)) return;
      this.running.add(name);
      run()
        .catch((err: unknown) => this.onError(name, err))
        .finally(() => this.running.delete(name));
    };
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    this.timers.set(name, timer);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
