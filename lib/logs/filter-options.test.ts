import { beforeAll, describe, expect, it } from "vitest";
import { makeKey, makeUser, type UserActor } from "@/test/fixtures";
import { db } from "../db";
import { ALL_API_ROUTES } from "../api-routes";
import { logFilterOptions } from "./filter-options";

let alice: UserActor;
let bob: UserActor;
let support: UserActor;
let idle: UserActor;
const made: { owner: UserActor; keyId: string; name: string; partner: string | null }[] = [];

async function key(owner: UserActor, name: string, partner: string | null) {
  const k = await makeKey(owner, { name, ...(partner ? { partner } : {}) });
  made.push({ owner, keyId: k.key.keyId, name, partner });
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const routes = ALL_API_ROUTES.map((r) => ({ method: r.method, path: r.path }));

beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
  support = await makeUser("support");
  idle = await makeUser();
  await key(alice, "Zeta sync", "Acme");
  await key(alice, "Alpha sync", "Beta");
  await key(alice, "Mid sync", null);
  await key(alice, "Another Acme", "Acme");
  // Lower case sorts after upper case (code-unit order, as on SQLite) on every database and collation.
  await key(alice, "beta sync", "acme labs");
  await key(bob, "Bob only", "Gamma");
  // A revoked key is still a filter choice: its old requests are in the log.
  await db().apiKey.update({ where: { keyId: made[4]!.keyId }, data: { status: "revoked" } });
});

describe("logFilterOptions", () => {
  it("a user sees only their own keys and partners, and no users list", async () => {
    const options = await logFilterOptions(alice);
    const mine = made.filter((k) => k.owner === alice).sort(byName);
    expect(options.keys).toEqual(mine.map((k) => ({ keyId: k.keyId, name: k.name, partner: k.partner })));
    expect(options.keys.every((k) => !("ownerEmail" in k))).toBe(true);
    expect(options.partners).toEqual(
      [...new Set(mine.map((k) => k.partner).filter((p): p is string => p !== null))].sort(),
    );
    expect(options.partners).not.toContain("Gamma");
    expect(options).not.toHaveProperty("users");
    expect(options.routes).toEqual(routes);
  });

  it("the other user sees theirs only", async () => {
    const options = await logFilterOptions(bob);
    expect(options.keys.map((k) => k.keyId)).toEqual(made.filter((k) => k.owner === bob).map((k) => k.keyId));
    expect(options.partners).toEqual(["Gamma"]);
    expect(options).not.toHaveProperty("users");
  });

  it("a user without keys gets empty choices but the full route list", async () => {
    expect(await logFilterOptions(idle)).toEqual({ keys: [], partners: [], routes });
  });

  it("support staff see every key with its owner's email, every partner, and the users", async () => {
    const options = await logFilterOptions(support);
    expect(options.keys).toEqual(
      [...made]
        .sort(byName)
        .map((k) => ({ keyId: k.keyId, name: k.name, partner: k.partner, ownerEmail: k.owner.email })),
    );
    expect(options.partners).toEqual(
      [...new Set(made.map((k) => k.partner).filter((p): p is string => p !== null))].sort(),
    );
    expect(options.users).toEqual(
      [alice, bob, support, idle]
        .map((u) => ({ id: u.userId, email: u.email }))
        .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0)),
    );
    expect(options.routes).toEqual(routes);
  });
});
