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
  partner: string | null;
  environment: KeyEnvironment;
  scopes: ReadonlySet<Scope>;
  scopeList: readonly Scope[];
  status: KeyStatus;
  expiresAtMs: number | null;
  isIpAllowed: (ip: string | null) => boolean;
  rateLimitPerMinute: number | null;
  /** Valid secrets: the current one (retiresAtMs null) and rotated-out ones still in grace. */
  secrets: { hash: string; retiresAtMs: number | null }[];
};

type Entry = { key: CachedKey | null };

/**
 * In-process key cache. Every change to a key is announced on the key-change bus (lib/keys/invalidate-key.ts),
 * which drops the entry here and in every other instance. The TTL is a backstop for changes made outside any
 * running instance (a script), not the mechanism.
 */
export class KeyCache {
  private readonly entries = new LRUCache<string, Entry>({ max: 50_000, ttl: 5 * 60_000 });
  private readonly loading = new Map<string, Promise<CachedKey | null>>();
  private generation = 0;

  constructor(private readonly load: (keyId: string) => Promise<CachedKey | null>) {}

  async get(keyId: string): Promise<CachedKey | null> {
    const hit = this.entries.get(keyId);
    if (hit) return hit.key;
    const inFlight = this.loading.get(keyId);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const load = this.load(keyId)
      .then((key) => {
        // An invalidation that raced with this load wins: do not cache what may already be stale.
        if (generation === this.generation) {
          // Unknown key ids are cached briefly too, so probing cannot hammer the database.
          this.entries.set(keyId, { key }, key ? undefined : { ttl: 10_000 });
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
}

/** Read one key as the guard needs it (the cache's loader). */
export async function loadCachedKey(db: Db, keyId: string, now = Date.now()): Promise<CachedKey | null> {
  const row = await db.apiKey.findUnique({
    where: { keyId },
    include: { secrets: { select: { secretHash: true, retiresAt: true } } },
  });
  if (!row) return null;
  const scopeList = normaliseScopes(parseJsonArray(row.scopes));
  const status: KeyStatus = keyStatus(row, new Date(now));
  return {
    apiKeyId: row.id,
    keyId: row.keyId,
    ownerId: row.ownerId,
    name: row.name,
    partner: row.partner,
    environment: row.environment === "test" ? "test" : "live",
    scopes: new Set(scopeList),
    scopeList,
    status,
    expiresAtMs: row.expiresAt ? row.expiresAt.getTime() : null,
    isIpAllowed: compileAllowlist(parseJsonArray(row.ipAllowlist)),
    rateLimitPerMinute: row.rateLimitPerMinute,
    secrets: row.secrets
      .filter((s) => s.retiresAt === null || s.retiresAt.getTime() > now)
      .map((s) => ({ hash: s.secretHash, retiresAtMs: s.retiresAt ? s.retiresAt.getTime() : null })),
  };
}
