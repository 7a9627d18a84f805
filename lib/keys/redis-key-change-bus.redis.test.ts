import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as listInventory } from "@/app/api/v1/inventory/route";
import { revokeKey } from "@/lib/keys/revoke-key";
import { RedisLink } from "@/lib/redis/redis-link";
import { call, credsOf, makeKey, makeUser } from "@/test/fixtures";
import { asInstance, connected, instance, TcpProxy, testRedisUrl, waitFor, type Instance } from "@/test/redis";
import { RedisKeyChangeBus } from "./redis-key-change-bus";

const get = (s: Instance, key: { keyId: string; secret: string }) =>
  asInstance(s, () => call(listInventory, { path: "/api/v1/inventory", key }));

/** The creation of a key is announced too: let that reach every instance before a test warms a cache. */
const announcementsDelivered = () => new Promise((r) => setTimeout(r, 200));

/** Ask instance s every 20 ms until it refuses the key (at most 5 s: the reconnection takes up to 1 s). */
async function untilRefused(s: Instance, key: { keyId: string; secret: string }) {
  const deadline = Date.now() + 5000;
  let res = await get(s, key);
  while (res.status === 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    res = await get(s, key);
  }
  return res;
}

describe("RedisKeyChangeBus", () => {
  const links: RedisLink[] = [];
  const buses: RedisKeyChangeBus[] = [];
  const bus = (prefix = process.env.KEYWARD_REDIS_PREFIX!) => {
    const link = new RedisLink({ url: testRedisUrl(), prefix, log: () => {} });
    const made = new RedisKeyChangeBus(link);
    links.push(link);
    buses.push(made);
    return made;
  };
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await Promise.all(links.map((l) => l.close()));
  });

  test("an announcement reaches this process at once and every other instance of the same prefix once", async () => {
    const [one, two, elsewhere] = [bus(), bus(), bus(`${process.env.KEYWARD_REDIS_PREFIX}other:`)];
    await Promise.all([one.subscribed, two.subscribed, elsewhere.subscribed]);
    const heard = { one: [] as (string | null)[], two: [] as (string | null)[], elsewhere: [] as (string | null)[] };
    one.onChange((k) => heard.one.push(k));
    two.onChange((k) => heard.two.push(k));
    elsewhere.onChange((k) => heard.elsewhere.push(k));

    one.announce("kw_live_AAAAAAAAAAAAAAAA");
    expect(heard.one).toEqual(["kw_live_AAAAAAAAAAAAAAAA"]); // synchronously, before any Redis round trip
    await waitFor(() => heard.two.length > 0, "the other instance to hear it");
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual({
      one: ["kw_live_AAAAAAAAAAAAAAAA"], // its own message from Redis is not delivered twice
      two: ["kw_live_AAAAAAAAAAAAAAAA"],
      elsewhere: [], // another deployment (prefix) on the same Redis hears nothing
    });
  });

  test("a script that announces before its connection is ready and closes at once still gets the word out", async () => {
    const listener = bus();
    await listener.subscribed;
    const heard: (string | null)[] = [];
    listener.onChange((k) => heard.push(k));
    const link = new RedisLink({ url: testRedisUrl(), prefix: process.env.KEYWARD_REDIS_PREFIX!, log: () => {} });
    const script = new RedisKeyChangeBus(link);
    script.announce("kw_live_BBBBBBBBBBBBBBBB");
    expect(link.state).toBe("connecting");
    await script.close();
    await link.close();
    await waitFor(() => heard.includes("kw_live_BBBBBBBBBBBBBBBB"), "the announcement to arrive");
  });
});

describe("messages missed while Redis was away", () => {
  let proxy: TcpProxy;
  let direct: Instance;
  let proxied: Instance;

  beforeAll(async () => {
    proxy = TcpProxy.forUrl(testRedisUrl());
    await proxy.start();
    // A long TTL, so only the bus (not the cache's expiry) can explain a refusal below.
    direct = instance({ env: { keyCacheTtlMs: 300_000 } });
    proxied = instance({ redisUrl: proxy.url(testRedisUrl()), env: { keyCacheTtlMs: 300_000 } });
    await Promise.all([connected(direct), connected(proxied)]);
  });

  afterAll(async () => {
    await Promise.all([direct?.close(), proxied?.close()]);
    await proxy?.close();
  });

  test("an instance that missed announcements drops its whole cache once it is subscribed again", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    await announcementsDelivered();
    expect((await get(proxied, credsOf(made))).status).toBe(200);
    await proxy.cut();
    await waitFor(() => proxied.redis!.state === "down", "the proxied instance to notice");
    await asInstance(direct, () => revokeKey(owner, made.key.keyId, { reason: "while cut" }));
    await new Promise((r) => setTimeout(r, 200));
    // The announcement was lost: the cut-off instance still trusts its cache.
    expect((await get(proxied, credsOf(made))).status).toBe(200);

    await proxy.restore();
    expect((await untilRefused(proxied, credsOf(made))).body!.error.code).toBe("key_revoked");
  });

  test("announcements an instance could not publish are sent when it reconnects", async () => {
    const owner = await makeUser();
    const made = await makeKey(owner, { scopes: ["inventory:read"] });
    await announcementsDelivered();
    expect((await get(direct, credsOf(made))).status).toBe(200);
    await proxy.cut();
    await waitFor(() => proxied.redis!.state === "down", "the proxied instance to notice");
    await asInstance(proxied, () => revokeKey(owner, made.key.keyId, { reason: "while cut" }));
    await new Promise((r) => setTimeout(r, 200));
    expect((await get(direct, credsOf(made))).status).toBe(200); // not told yet

    await proxy.restore();
    expect((await untilRefused(direct, credsOf(made))).body!.error.code).toBe("key_revoked");
  });
});
