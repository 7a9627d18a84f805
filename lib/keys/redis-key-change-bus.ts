import "server-only";
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { RedisLink } from "../redis/redis-link";
import { LocalKeyChangeBus, type KeyChangeBus, type KeyChangeListener } from "./key-change-bus";

/** Past this many announcements that could not be sent, the instance asks everyone to drop everything instead. */
const MAX_UNSENT = 1000;
const EVERYTHING = "*";

/**
 * Key changes for a cluster: delivered to this process at once, and published on a Redis channel
 * (`<prefix>key-changes`) that every instance subscribes to on a connection of its own. A message is
 * `<instance id> <key id>`; an instance ignores its own.
 *
 * What a lost message costs, and what covers it:
 * - This instance could not publish (Redis away): the key ids are kept and published when the connection is
 *   back (past MAX_UNSENT, one "drop everything" instead).
 * - This instance was not subscribed (start, or Redis away): once the subscription is live again it drops its
 *   whole cache, since anything may have changed meanwhile.
 * - Anything else (a partition nobody noticed): the key cache's short TTL.
 */
export class RedisKeyChangeBus implements KeyChangeBus {
  private readonly local = new LocalKeyChangeBus();
  private readonly channel: string;
  private readonly instanceId = randomUUID();
  private readonly subscriber: Redis;
  private readonly unsent = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  /** Resolves once the first subscription is live (tests and the start-up wait for it). */
  readonly subscribed: Promise<void>;
  private markSubscribed: () => void = () => {};

  constructor(private readonly link: RedisLink) {
    this.channel = `${link.prefix}key-changes`;
    this.subscribed = new Promise((resolve) => (this.markSubscribed = resolve));
    this.subscriber = link.duplicate();
    this.subscriber.on("ready", () => void this.subscribe());
    this.subscriber.on("message", (channel: string, message: string) => this.received(channel, message));
    // Outages are reported once by the link (same server); this connection reconnects on its own.
    this.subscriber.on("error", () => {});
    link.client.on("ready", () => this.sendUnsent());
  }

  announce(keyId: string): void {
    this.local.deliver(keyId);
    this.publish(keyId);
  }

  onChange(listener: KeyChangeListener): () => void {
    return this.local.onChange(listener);
  }

  /** Stop listening; a short-lived process (a script) first sends what it announced before Redis was ready. */
  async close(): Promise<void> {
    this.closed = true;
    this.subscriber.disconnect();
    if (this.unsent.size > 0 && this.link.state === "connecting") {
      await this.link.settled;
      if (this.link.client.status === "ready") this.sendUnsent();
    }
    await Promise.allSettled([...this.inFlight]);
    await this.local.close();
  }

  private publish(keyId: string): void {
    if (this.link.client.status !== "ready") {
      this.keepUnsent(keyId);
      return;
    }
    const sent = this.link.client
      .publish(this.channel, `${this.instanceId} ${keyId}`)
      .catch(() => this.keepUnsent(keyId))
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }

  private keepUnsent(keyId: string): void {
    if (this.unsent.size >= MAX_UNSENT) {
      this.unsent.clear();
      this.unsent.add(EVERYTHING);
    } else if (!this.unsent.has(EVERYTHING)) this.unsent.add(keyId);
  }

  private sendUnsent(): void {
    const pending = [...this.unsent];
    this.unsent.clear();
    for (const keyId of pending) this.publish(keyId);
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch {
      return; // the connection dropped again; its next "ready" tries again
    }
    if (this.closed) return;
    // From here on every announcement arrives; what was announced before may have been missed.
    this.local.deliver(null);
    this.markSubscribed();
  }

  private received(channel: string, message: string): void {
    if (channel !== this.channel) return;
    const space = message.indexOf(" ");
    if (space < 0 || message.slice(0, space) === this.instanceId) return;
    const keyId = message.slice(space + 1);
    this.local.deliver(keyId === EVERYTHING ? null : keyId);
  }
}
