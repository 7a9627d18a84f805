import "server-only";
import type { Db } from "../db/create-prisma-client";
import { nextAttemptAt } from "./backoff";
import { sendWebhook, type SendResult } from "./send-webhook";
import { decryptSecret } from "./webhook-secret";

type DispatcherOptions = {
  db: () => Db;
  pepper: () => string;
  timeoutMs: number;
  concurrency: number;
  allowPrivate: boolean;
  onError: (err: unknown) => void;
  /** Replaces the HTTP send (unit tests). */
  send?: typeof sendWebhook;
};

/** Deliveries one run handles at most, so a huge backlog is worked off in slices between other jobs. */
const MAX_PER_RUN = 500;

/**
 * Sends queued webhook deliveries. Each delivery is claimed with a conditional UPDATE (its nextAttemptAt moved
 * forward by a lease) before it is sent, so however many instances dispatch at once, each attempt is made by one
 * of them; an instance that dies mid-send leaves the delivery to be picked up when the lease ends. Runs come from
 * the once-per-cluster job (retries, events written by scripts) and from kick() after a key change on this
 * instance (so a subscriber hears within milliseconds). Sends are bounded in number (concurrency, and half of it
 * per endpoint) and in time (timeoutMs each): they wait on the network only, so a slow or dead receiver never
 * holds up a request, nor the deliveries to other endpoints.
 */
export class WebhookDispatcher {
  private started = false;
  private running: Promise<number> | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly send: typeof sendWebhook;

  constructor(private readonly opts: DispatcherOptions) {
    this.send = opts.send ?? sendWebhook;
  }

  /** From now on kick() runs the dispatcher (a server; scripts never start it, the server picks their rows up). */
  start(): void {
    this.started = true;
  }

  stop(): void {
    this.started = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Something may be due now: run soon, once, however often this is called meanwhile. */
  kick(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.runOnce().catch((err: unknown) => this.opts.onError(err));
  }

  /** Send every due delivery (up to a bound). Resolves to the number of attempts made. */
  async runOnce(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain();
    try {
      return await this.running;
    } finally {
      this.running = null;
      if (this.again && this.started) {
        this.again = false;
        setImmediate(() => this.kick());
      }
    }
  }

  /**
   * A pool of `concurrency` sends, at most PER_ENDPOINT of them to one endpoint: a dead or slow receiver holds only
   * its own slots (each up to timeoutMs) while deliveries to the others keep flowing.
   */
  private async drain(): Promise<number> {
    const width = this.opts.concurrency;
    const perEndpoint = Math.max(1, Math.floor(width / 2));
    const busy = new Map<string, number>();
    const running = new Set<Promise<void>>();
    const tried = new Set<string>();
    let made = 0;
    while (made < MAX_PER_RUN) {
      const full = [...busy].filter(([, n]) => n >= perEndpoint).map(([id]) => id);
      const due =
        running.size < width
          ? await this.opts.db().webhookDelivery.findMany({
              where: {
                status: "pending",
                nextAttemptAt: { lte: new Date() },
                ...(full.length ? { endpointId: { notIn: full } } : {}),
                ...(tried.size ? { id: { notIn: [...tried] } } : {}),
              },
              orderBy: { nextAttemptAt: "asc" },
              select: { id: true, nextAttemptAt: true, endpointId: true },
              take: width * 4,
            })
          : [];
      for (const row of due) {
        if (running.size >= width) break;
        if ((busy.get(row.endpointId) ?? 0) >= perEndpoint) continue;
        tried.add(row.id);
        busy.set(row.endpointId, (busy.get(row.endpointId) ?? 0) + 1);
        const job: Promise<void> = this.attempt(row.id, row.nextAttemptAt)
          .then((sent) => {
            if (sent) made++;
          })
          .finally(() => {
            busy.set(row.endpointId, busy.get(row.endpointId)! - 1);
            running.delete(job);
          });
        running.add(job);
      }
      if (running.size === 0) break;
      // Wait for a slot, then look again (new deliveries may be due, a busy endpoint may be free).
      await Promise.race(running);
    }
    await Promise.all(running);
    await this.armRetryTimer();
    return made;
  }

  /** Claim one delivery, send it, record the attempt. False when another run claimed it first. */
  private async attempt(deliveryId: string, seenNextAttemptAt: Date): Promise<boolean> {
    const db = this.opts.db();
    const claimedUntil = new Date(Date.now() + this.opts.timeoutMs + 30_000);
    const { count } = await db.webhookDelivery.updateMany({
      where: { id: deliveryId, status: "pending", nextAttemptAt: seenNextAttemptAt },
      data: { nextAttemptAt: claimedUntil },
    });
    if (count !== 1) return false;
    const delivery = await db.webhookDelivery.findUnique({
      where: { id: deliveryId },
      include: { event: true, endpoint: true },
    });
    if (!delivery) return false; // its endpoint was deleted meanwhile
    const now = new Date();
    let result: SendResult;
    try {
      const pepper = this.opts.pepper();
      const { endpoint } = delivery;
      const secrets = [decryptSecret(endpoint.secretEnc, pepper)];
      if (endpoint.previousSecretEnc && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) {
        secrets.push(decryptSecret(endpoint.previousSecretEnc, pepper));
      }
      result = await this.send({
        url: endpoint.url,
        eventId: delivery.eventId,
        body: delivery.event.payload,
        secrets,
        timeoutMs: this.opts.timeoutMs,
        allowPrivate: this.opts.allowPrivate,
      });
    } catch (err) {
      // A secret that cannot be decrypted (the pepper changed) is a failed attempt, visible in the dashboard.
      result = { ok: false, statusCode: null, latencyMs: 0, error: `could not sign: ${(err as Error).message}` };
    }
    const attempts = delivery.attempts + 1;
    const retryAt = result.ok ? null : nextAttemptAt(delivery.event.createdAt, attempts, new Date());
    await db.$transaction([
      db.webhookAttempt.create({
        data: {
          deliveryId,
          at: now,
          statusCode: result.statusCode,
          latencyMs: result.latencyMs,
          error: result.error?.slice(0, 500) ?? null,
        },
      }),
      db.webhookDelivery.update({
        where: { id: deliveryId },
        data: result.ok
          ? { status: "delivered", attempts, deliveredAt: new Date() }
          : retryAt
            ? { attempts, nextAttemptAt: retryAt }
            : { status: "failed", attempts },
      }),
    ]);
    return true;
  }

  /** Retries due within the next minute are sent on time by this instance (the job catches the rest). */
  private async armRetryTimer(): Promise<void> {
    if (!this.started) return;
    const soonest = await this.opts.db().webhookDelivery.findFirst({
      where: { status: "pending" },
      orderBy: { nextAttemptAt: "asc" },
      select: { nextAttemptAt: true },
    });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!soonest) return;
    const wait = soonest.nextAttemptAt.getTime() - Date.now();
    if (wait > 60_000) return;
    this.retryTimer = setTimeout(() => this.kick(), Math.max(0, wait) + 5);
    this.retryTimer.unref();
  }
}
