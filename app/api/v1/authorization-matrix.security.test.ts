import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, test } from "vitest";
import * as inventory from "./inventory/route";
import * as inventoryItem from "./inventory/[id]/route";
import * as offers from "./offers/route";
import * as offer from "./offers/[id]/route";
import * as withdraw from "./offers/[id]/withdraw/route";
import * as logs from "./logs/route";
import * as keys from "./keys/route";
import * as key from "./keys/[keyId]/route";
import * as rotate from "./keys/[keyId]/rotate/route";
import * as revoke from "./keys/[keyId]/revoke/route";
import * as partners from "./partners/route";
import * as partner from "./partners/[id]/route";
import { call, credsOf, makeItem, makeKey, makeUser, type UserActor } from "@/test/fixtures";
import { ALL_API_ROUTES, type ApiRoute } from "@/lib/api-routes";
import { ROUTE_LIST, type RouteName } from "@/lib/route-list";
import { SCOPES, type Scope } from "@/lib/scopes";
import { KEY_ENVIRONMENTS, type KeyEnvironment } from "@/lib/keys/key-vocabulary";
import { createOffer, offerScopeOf } from "@/lib/offers/offers";
import { createPartner } from "@/lib/partners/create-partner";
import { db } from "@/lib/db";

/**
 * The authorization matrix, generated from the two catalogs: every route of lib/route-list.ts, called with a
 * key holding each scope set (none, each scope alone, all of them), in each environment, on a resource of its
 * own owner and environment, of its owner in the other environment, and of another owner. What must happen is
 * derived from the same catalogs: without the route's scope, 403 insufficient_scope (before anything is looked
 * up, so nothing is revealed); with it, the own resource answers and every other one is "not found"; a list
 * holds only the caller's own rows of its own environment.
 */

type Handler = Parameters<typeof call>[0];
/**
 * Routes this matrix calls. The routes added since (key events, webhooks, audit, end-grace) have their own
 * authorization tests beside them (suspend, webhooks, audit and end-grace test files) and are probed by the
 * contract test for every scope error; they are listed in NOT_IN_MATRIX so a new route cannot slip past unseen.
 */
const HANDLERS: Partial<Record<RouteName, Handler>> = {
  listInventory: inventory.GET,
  getInventoryItem: inventoryItem.GET,
  listOffers: offers.GET,
  createOffer: offers.POST,
  getOffer: offer.GET,
  withdrawOffer: withdraw.POST,
  listLogs: logs.GET,
  listKeys: keys.GET,
  createKey: keys.POST,
  getKey: key.GET,
  updateKey: key.PATCH,
  rotateKey: rotate.POST,
  revokeKey: revoke.POST,
  listPartners: partners.GET,
  createPartner: partners.POST,
  getPartner: partner.GET,
  updatePartner: partner.PATCH,
};

const NOT_IN_MATRIX: RouteName[] = [
  "endGrace",
  "suspendKey",
  "resumeKey",
  "listAudit",
  "listWebhooks",
  "createWebhook",
  "getWebhook",
  "updateWebhook",
  "deleteWebhook",
  "rotateWebhookSecret",
  "redeliverWebhook",
];

const SCOPE_SETS: [string, Scope[]][] = [
  ["no scopes", []],
  ...SCOPES.map((s): [string, Scope[]] => [s, [s]]),
  ["all scopes", [...SCOPES]],
];

/** Whose resource a call addresses. Routes without a resource id address nothing and run once per scope set. */
const TARGETS = ["own", "own, other environment", "other owner"] as const;
type Target = (typeof TARGETS)[number];

const ALICE_LOG_KEY = "AAAAAAAAAAAAAAAA";
const BOB_LOG_KEY = "BBBBBBBBBBBBBBBB";
const SEEDED_LOG_KEYS = KEY_ENVIRONMENTS.flatMap((e) => [`kw_${e}_${ALICE_LOG_KEY}`, `kw_${e}_${BOB_LOG_KEY}`]);

const hasResource = (route: ApiRoute) => route.path.includes("{");
const otherEnv = (env: KeyEnvironment): KeyEnvironment => (env === "live" ? "test" : "live");

let alice: UserActor;
let bob: UserActor;
let itemId: string;
/** Per owner and environment: offer ids and key ids that exist before the matrix runs (for the list checks). */
const seeded = new Map<string, { offers: Set<string>; keys: Set<string> }>();
const seededOf = (owner: UserActor, env: KeyEnvironment) => seeded.get(`${owner.userId}:${env}`)!;

async function newOffer(owner: UserActor, env: KeyEnvironment): Promise<string> {
  const made = await makeKey(owner, { name: "offer maker", environment: env, scopes: ["offers:write"] });
  const row = await db().apiKey.findUniqueOrThrow({ where: { keyId: made.key.keyId } });
  const { offer: created } = await createOffer(
    offerScopeOf({ ownerId: owner.userId, environment: env, apiKeyId: row.id, keyId: row.keyId }),
    { inventoryItemId: itemId, amountCents: 100, currency: "USD" },
    null,
  );
  return created.id;
}

/** Keys and resources are made once per kind and reused, except what a call changes (withdraw, rotate, revoke). */
const made = new Map<string, Promise<unknown>>();
function once<T>(id: string, make: () => Promise<T>): Promise<T> {
  if (!made.has(id)) made.set(id, make());
  return made.get(id) as Promise<T>;
}

/** The resource a call addresses, of the owner and environment asked: fresh when the call changes it. */
async function resourceFor(route: ApiRoute, owner: UserActor, env: KeyEnvironment): Promise<Record<string, string>> {
  if (route.tag === "Inventory") return { id: itemId };
  if (route.method === "GET")
    return once(`${route.tag}:${owner.userId}:${env}`, () => freshResource(route, owner, env));
  return freshResource(route, owner, env);
}

async function freshResource(route: ApiRoute, owner: UserActor, env: KeyEnvironment): Promise<Record<string, string>> {
  if (route.tag === "Offers") return { id: await newOffer(owner, env) };
  if (route.tag === "Partners") return { id: (await createPartner(owner, { name: `partner ${randomUUID()}` })).id };
  const target = await makeKey(owner, { name: "target", environment: env, scopes: [] });
  return { keyId: target.key.keyId };
}

function bodyFor(name: RouteName): unknown {
  switch (name) {
    case "createOffer":
      return { inventoryItemId: itemId, amountCents: 100, currency: "USD" };
    case "createKey":
      return { name: `made by matrix ${randomUUID().slice(0, 6)}` };
    case "updateKey":
      return { name: "renamed by matrix" };
    case "rotateKey":
      return { graceSeconds: 0 };
    case "revokeKey":
      return { reason: "authorization matrix" };
    case "createPartner":
      return { name: `partner by matrix ${randomUUID().slice(0, 8)}` };
    case "updatePartner":
      return { notes: "changed by matrix" };
    default:
      return undefined;
  }
}

/**
 * Which environments a key of `env` may see of its owner's resources: a test key is a sandbox (test keys, test
 * offers, test traffic only); a live key manages all of its owner's keys and reads all its traffic, but offers
 * are bound to the environment they were made in, both ways. Partners belong to the owner, not to an environment.
 */
function visibleEnvironments(route: ApiRoute, env: KeyEnvironment): KeyEnvironment[] {
  if (route.tag === "Partners") return [...KEY_ENVIRONMENTS];
  if (env === "test" || route.tag === "Offers") return [env];
  return [...KEY_ENVIRONMENTS];
}

/** What the catalogs say must happen. */
function expected(
  route: ApiRoute,
  scopes: Scope[],
  env: KeyEnvironment,
  target: Target | null,
): { status: number; code?: string } {
  if (!scopes.includes(route.scope)) return { status: 403, code: "insufficient_scope" };
  // Inventory is one shared catalog: no owner, no environment.
  const hidden =
    target === "other owner" ||
    (target === "own, other environment" && !visibleEnvironments(route, env).includes(otherEnv(env)));
  if (hidden && route.tag !== "Inventory") return { status: 404, code: "not_found" };
  if (["createOffer", "createKey", "createPartner"].includes(route.operationId)) return { status: 201 };
  return { status: 200 };
}

beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
  itemId = (await makeItem()).id;
  for (const owner of [alice, bob]) {
    await createPartner(owner, { name: "seeded partner" });
    for (const env of KEY_ENVIRONMENTS) {
      // The key behind the owner's seeded log row of this environment (a row is always its key's, of its key's
      // environment: a test key's log reads look up the owner's test keys).
      await db().apiKey.create({
        data: {
          keyId: `kw_${env}_${owner === alice ? ALICE_LOG_KEY : BOB_LOG_KEY}`,
          ownerId: owner.userId,
          name: "log source",
          environment: env,
        },
      });
      const offerIds = new Set([await newOffer(owner, env)]);
      const keyIds = new Set(
        (await db().apiKey.findMany({ where: { ownerId: owner.userId, environment: env } })).map((k) => k.keyId),
      );
      seeded.set(`${owner.userId}:${env}`, { offers: offerIds, keys: keyIds });
    }
  }
  // Request-log rows of both owners in both environments, so the log list has something to leak.
  await db().requestLog.createMany({
    data: [alice, bob].flatMap((owner) =>
      KEY_ENVIRONMENTS.map((env) => ({
        requestId: `req_matrix_${randomUUID()}`,
        timestamp: new Date(Date.now() - 60_000),
        ownerId: owner.userId,
        environment: env,
        keyId: `kw_${env}_${owner === alice ? ALICE_LOG_KEY : BOB_LOG_KEY}`,
        method: "GET",
        route: "/api/v1/inventory",
        path: "/api/v1/inventory",
        status: 200,
        statusClass: "2xx",
        latencyMs: 1,
      })),
    ),
  });
});

describe("the matrix covers the catalogs", () => {
  it("has a handler for every route of the route list and the contract, but the ones named as tested elsewhere", () => {
    expect([...Object.keys(HANDLERS), ...NOT_IN_MATRIX].sort()).toEqual(Object.keys(ROUTE_LIST).sort());
    expect(ALL_API_ROUTES.map((r) => r.operationId).sort()).toEqual(Object.keys(ROUTE_LIST).sort());
  });
});

const MATRIX_ROUTES = ALL_API_ROUTES.filter((r) => HANDLERS[r.operationId]);

const CASES = MATRIX_ROUTES.flatMap((route) =>
  SCOPE_SETS.flatMap(([label, scopes]) =>
    KEY_ENVIRONMENTS.flatMap((env) =>
      (hasResource(route) ? TARGETS : [null]).map((target) => ({ route, label, scopes, env, target })),
    ),
  ),
);

describe.each(MATRIX_ROUTES.map((r) => [r.operationId, r] as const))("%s", (operationId, route) => {
  test.each(CASES.filter((c) => c.route === route).map((c) => [c.label, c.env, c.target ?? "-", c] as const))(
    "%s, %s key, resource: %s",
    async (_label, _env, _target, { scopes, env, target }) => {
      const caller = await once(`caller:${env}:${scopes.join(",")}`, () =>
        makeKey(alice, { name: "caller", environment: env, scopes }),
      );
      const owner = target === "other owner" ? bob : alice;
      const resourceEnv = target === "own, other environment" ? otherEnv(env) : env;
      const params = hasResource(route) ? await resourceFor(route, owner, resourceEnv) : {};
      const path =
        route.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name]!) +
        (operationId === "listLogs" ? `?keyId=${SEEDED_LOG_KEYS.join(",")}` : "");
      const offersBefore = await db().offer.count();
      const keysBefore = await db().apiKey.count();
      const partnerBefore =
        operationId === "updatePartner" ? await db().partner.findUniqueOrThrow({ where: { id: params.id! } }) : null;

      const res = await call(HANDLERS[operationId]!, {
        method: route.method,
        path,
        params,
        key: credsOf(caller),
        body: bodyFor(operationId),
      });

      const want = expected(route, scopes, env, target);
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: want.status, code: want.code });
      if (want.status >= 400) {
        // A refusal changes nothing.
        expect(await db().offer.count()).toBe(offersBefore);
        expect(await db().apiKey.count()).toBe(keysBefore);
        if (partnerBefore)
          expect(await db().partner.findUniqueOrThrow({ where: { id: params.id! } })).toEqual(partnerBefore);
        return;
      }
      // Lists hold only the caller's own rows of its own environment.
      if (operationId === "listOffers") {
        const ids: string[] = res.body!.data.map((o: { id: string }) => o.id);
        expect(ids).toEqual(expect.arrayContaining([...seededOf(alice, env).offers]));
        for (const other of [seededOf(alice, otherEnv(env)), seededOf(bob, "live"), seededOf(bob, "test")]) {
          for (const id of other.offers) expect(ids).not.toContain(id);
        }
      }
      if (operationId === "listKeys") {
        const rows: { keyId: string; environment: string }[] = res.body!.data;
        expect(rows.length).toBeGreaterThan(0);
        const mine = await db().apiKey.findMany({
          where: { ownerId: alice.userId, environment: { in: visibleEnvironments(route, env) } },
        });
        const mineIds = new Set(mine.map((k) => k.keyId));
        for (const row of rows) expect(mineIds.has(row.keyId)).toBe(true);
      }
      if (operationId === "listPartners") {
        const ids: string[] = res.body!.data.map((p: { id: string }) => p.id);
        const bobs = await db().partner.findMany({ where: { ownerId: bob.userId } });
        expect(bobs.length).toBeGreaterThan(0);
        for (const p of bobs) expect(ids).not.toContain(p.id);
      }
      if (operationId === "listLogs") {
        // Asked for both owners' seeded rows by key id: only the caller's own, of the environments it sees.
        const rows: { keyId: string | null }[] = res.body!.data;
        expect(rows.map((r) => r.keyId).sort()).toEqual(
          visibleEnvironments(route, env)
            .map((e) => `kw_${e}_${ALICE_LOG_KEY}`)
            .sort(),
        );
      }
    },
  );
});
