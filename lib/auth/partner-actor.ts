import "server-only";
import type { Actor } from "./actor";

/** Partner routes are key-only; this narrows the guard's actor for them. */
export function partnerKeyActor(actor: Actor): Extract<Actor, { kind: "key" }> {
  if (actor.kind !== "key") throw new Error("partner route reached without an API key");
  return actor;
}
