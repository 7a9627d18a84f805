import "server-only";
import { db } from "../db";
import { actingOwnerId, type Actor } from "../auth/actor";
import { normaliseScopes } from "../scopes";
import { generateKeyId, generateSecret, lastFour } from "./key-format";
import { hashSecret } from "./secret-hash";
import type { CreateKeyInput } from "./key-input";
import { recordAudit } from "./audit";
import { assertNoEscalation, assertWithinActorLimits } from "./key-access";
import { keyViewInclude, toKeyView, type KeyView } from "./key-view";
import { invalidateKey } from "./invalidate-key";
import { resolveKeyPartner } from "../partners/partner-access";

/**
 * Create a key pair from parsed input (the API's guard or the server action parsed it with createKeyInput).
 * The secret is in the result exactly once; only its HMAC is stored.
 */
export async function createKey(actor: Actor, data: CreateKeyInput): Promise<{ key: KeyView; secret: string }> {
  // A key creating keys defaults to its own environment (a test key makes test keys).
  const environment = data.environment ?? (actor.kind === "key" ? actor.environment : "live");
  const scopes = normaliseScopes(data.scopes);
  assertNoEscalation(actor, { scopes, environment });

  const keyId = generateKeyId(environment);
  const secret = generateSecret(environment);
  const ownerId = actingOwnerId(actor);

  const row = await db().$transaction(async (tx) => {
    await assertWithinActorLimits(tx, actor, {
      ipAllowlist: data.ipAllowlist,
      rateLimitPerMinute: data.rateLimitPerMinute ?? null,
      expiresAt: data.expiresAt ?? null,
    });
    const partner = await resolveKeyPartner(tx, ownerId, data);
    const created = await tx.apiKey.create({
      data: {
        keyId,
        ownerId,
        name: data.name,
        partnerId: partner?.id ?? null,
        description: data.description ?? null,
        environment,
        scopes: JSON.stringify(scopes),
        ipAllowlist: JSON.stringify(data.ipAllowlist),
        rateLimitPerMinute: data.rateLimitPerMinute ?? null,
        expiresAt: data.expiresAt ?? null,
        leakPolicy: data.leakPolicy,
        createdByUserId: actor.kind === "user" ? actor.userId : null,
        createdByKeyId: actor.kind === "key" ? actor.keyId : null,
        secrets: { create: { secretHash: hashSecret(secret), lastFour: lastFour(secret) } },
      },
      include: keyViewInclude,
    });
    await recordAudit(tx, {
      apiKeyId: created.id,
      action: "created",
      actor,
      changes: {
        name: data.name,
        environment,
        scopes,
        ...(partner ? { partner: partner.name, partnerId: partner.id } : {}),
        ...(data.expiresAt ? { expiresAt: data.expiresAt.toISOString() } : {}),
        ...(data.ipAllowlist.length ? { ipAllowlist: data.ipAllowlist } : {}),
        ...(data.rateLimitPerMinute ? { rateLimitPerMinute: data.rateLimitPerMinute } : {}),
        ...(data.leakPolicy !== "revoke" ? { leakPolicy: data.leakPolicy } : {}),
      },
    });
    return created;
  });
  // A probe for this id before it existed may have been cached as unknown.
  invalidateKey(keyId);
  return { key: toKeyView(row), secret };
}
