import "server-only";
import type { Role } from "./users";
import type { Scope } from "../scopes";
import type { KeyEnvironment } from "../keys/key-format";

/** Who is acting: a signed-in dashboard user, or an API key (automation). */
export type Actor =
  | { kind: "user"; userId: string; email: string; role: Role; ip: string | null }
  | {
      kind: "key";
      apiKeyId: string;
      keyId: string;
      ownerId: string;
      scopes: readonly Scope[];
      environment: KeyEnvironment;
      ip: string | null;
    };

/** The owner whose data the actor sees; null means every owner (support staff). */
export function ownerFilter(actor: Actor): string | null {
  if (actor.kind === "key") return actor.ownerId;
  return actor.role === "support" ? null : actor.userId;
}

/** A test key sees only the sandbox: test keys and test traffic. null: no environment restriction. */
export function environmentFilter(actor: Actor): "test" | null {
  return actor.kind === "key" && actor.environment === "test" ? "test" : null;
}

/** The user id that owns what this actor creates. */
export function actingOwnerId(actor: Actor): string {
  return actor.kind === "key" ? actor.ownerId : actor.userId;
}

function actorLabel(actor: Actor): string {
  return actor.kind === "key" ? `key ${actor.keyId}` : actor.email;
}

export function actorAuditFields(actor: Actor) {
  return {
    actorUserId: actor.kind === "user" ? actor.userId : null,
    actorKeyId: actor.kind === "key" ? actor.keyId : null,
    actorLabel: actorLabel(actor),
    ip: actor.ip,
  };
}
