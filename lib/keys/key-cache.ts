import "server-only";
import { LRUCache } from "lru-cache";
import type { Db } from "../db/create-prisma-client";
import { compileAllowlist } from "./ip-allowlist";
import { normaliseScopes, type Scope } from "../scopes";
import type { KeyEnvironment } from "./key-format";
import { keyStatus, parseJsonArray, type KeyStatus } from "./key-view";

/** Everything the guard needs to decide on a request, with no database round trip once warm. */
export type CachedKey = {
  apiKeyId: string;
  keyId: string;
  ownerId: string;
  name: string;
  /** The partner's name (the request log records it). */
  partner: string | null;
  /** Imported from the previous scheme: its key id has the old platform's shape (lib/keys/legacy-credentials.ts). */
  legacy: boolean;
  environment: KeyEnvironment;
  scopes: ReadonlySet<Scope>;
  scopeList: readonly Scope[];
  status: KeyStatus;
  expiresAtMs: number | null;
  isIpAllowed: (ip: string | null) => boolean;
  rateLimitPerMinute: number | null;
  /**
   * Valid secrets: the current one (retiresAtMs null) and rotated-out ones still in grace. kind "sha256": an
   * imported secret known only by its SHA-256 (hash = HMAC(pepper, sha256hex(secret))), upgraded on first use.
   */
  secrets: { hash: string; retiresAtMs: number | null; kind: "hmac" | "sha256" }[];
  /**
   * Hashes of the most recently retired secrets, never accepted: only so a refusal can say "an old secret
   * was used" rather than "wrong secret" (the commonest failure after a rotation).
   */
  retiredHashes: readonly string[];
};

/** How many retired secrets a cached key remembers for the request detail's diagnosis. */
const RETIRED_REMEMBERED = 3;

type Entry = { key: CachedKey | null };

/** Unknown key ids are remembered this long at most, so probing cannot hammer the database. */
const UNKNOWN_KEY_TTL_MS = 10_000;

/**
 * In-process key cache. Every change to a key is announced on the key-change bus (lib/keys/invalidate-key.ts),
 * which drops the entry here and, through Redis, in every other instance. The TTL (env.keyCacheTtlMs) is the
 * backstop, not the mechanism: for changes made outside any running instance (a script), and with Redis for an
 * announcement that was missed.
 */
export class KeyCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly unknownTtlMs: number;
  private readonly loading = new Map<string, Promise<CachedKey | null>>();
  private generation = 0;
  /** Lookups answered from memory, and the others (read by the metrics on scrape). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly load: (keyId: string) => Promise<CachedKey | null>,
    { ttlMs = 5 * 60_000 }: { ttlMs?: number } = {},
  ) {
    this.entries = new LRUCache<string, Entry>({ max: 50_000, ttl: ttlMs });
    this.unknownTtlMs = Math.min(ttlMs, UNKNOWN_KEY_TTL_MS);
  }

  async get(keyId: string): Promise<CachedKey | null> {
    const hit = this.entries.get(keyId);
    if (hit) {
      this.stats.hits++;
      return hit.key;
    }
    this.stats.misses++;
    const inFlight = this.loading.get(keyId);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const load = this.load(keyId)
      .then((key) => {
        // An invalidation that raced with this load wins: do not cache what may already be stale.
        if (generation === this.generation) {
          this.entries.set(keyId, { key }, key ? undefined : { ttl: this.unknownTtlMs });
        }
        return key;
      })
      .finally(() => this.loading.delete(keyId));
    this.loading.set(keyId, load);
    return load;
  }

  invalidate(keyId: string): void {
    this.generation++;
    this.entries.delete(keyId);
    this.loading.delete(keyId);
  }

  /** Forget every key (announcements may have been missed, e.g. while Redis was unreachable). */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }
}

/** Read one key as the guard needs it (the cache's loader). */
export async function loadCachedKey(db: Db, keyId: string, now = Date.now()): Promise<CachedKey | null> {
  const row = await db.apiKey.findUnique({
    where: { keyId },
    include: {
      secrets: { select: { secretHash: true, retiresAt: true, hashKind: true }, orderBy: { createdAt: "desc" } },
      partner: { select: { name: true } },
    },
  });
  if (!row) return null;
  const scopeList = normaliseScopes(parseJsonArray(row.scopes));
  const status: KeyStatus = keyStatus(row, new Date(now));
  return {
    apiKeyId: row.id,
    keyId: row.keyId,
    ownerId: row.ownerId,
    name: row.name,
    partner: row.partner?.name ?? null,
    legacy: row.legacy,
    environment: row.environment === "test" ? "test" : "live",
    scopes: new Set(scopeList),
    scopeList,
    status,
    expiresAtMs: row.expiresAt ? row.expiresAt.getTime() : null,
    isIpAllowed: compileAllowlist(parseJsonArray(row.ipAllowlist)),
    rateLimitPerMinute: row.rateLimitPerMinute,
    secrets: row.secrets
      .filter((s) => s.retiresAt === null || s.retiresAt.getTime() > now)
      .map((s) => ({
        hash: s.secretHash,
        retiresAtMs: s.retiresAt ? s.retiresAt.getTime() : null,
        kind: s.hashKind === "sha256" ? ("sha256" as const) : ("hmac" as const),
      })),
    retiredHashes: row.secrets
      .filter((s) => s.retiresAt !== null && s.retiresAt.getTime() <= now)
      .slice(0, RETIRED_REMEMBERED)
      .map((s) => s.secretHash),
  };
}
