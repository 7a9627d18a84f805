import { afterAll, describe, expect, it } from "vitest";
import { POST as createOfferRoute } from "@/app/api/v1/offers/route";
import { POST as rotateKeyRoute } from "@/app/api/v1/keys/[keyId]/rotate/route";
import { call, credsOf, makeItem, makeKey, makeUser } from "@/test/fixtures";
import { createDatabase, dropDatabase, scratchAdminUrl, scratchName, withDatabase } from "@/scripts/pg-scratch";
import { ModelName } from "./generated/sqlite/internal/prismaNamespace";
import { COPIED_MODELS, CopyTargetNotEmptyError, SKIPPED_MODELS, copyDatabase } from "./copy-database";
import { createPrismaClient, type Db } from "./create-prisma-client";
import { migratePostgres } from "./pg-migrate";
import { db } from ".";
import { services } from "../services";

/**
 * `npm run db:copy`: the test database of this run (SQLite, or PostgreSQL under test:unit:pg) is the source;
 * the target is a fresh, migrated PostgreSQL database. Needs PostgreSQL (KEYWARD_TEST_PG_URL).
 */
const targets: { name: string; client: Db }[] = [];

async function freshTarget(): Promise<Db> {
  const name = scratchName("copy");
  await createDatabase(name);
  const url = withDatabase(scratchAdminUrl(), name);
  await migratePostgres(url);
  const client = createPrismaClient(url, { poolSize: 2 });
  targets.push({ name, client });
  return client;
}

afterAll(async () => {
  for (const { name, client } of targets) {
    await client.$disconnect();
    await dropDatabase(name);
  }
});

const delegate = (client: Db, model: string) =>
  (client as unknown as Record<string, { findMany(a: object): Promise<object[]> }>)[
    model[0]!.toLowerCase() + model.slice(1)
  ]!;

/** PostgreSQL's driver reads a double back to within one unit in the last place: compare to 12 significant digits. */
const comparable = (rows: object[]) =>
  rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v,
      ]),
    ),
  );

describe("copyDatabase", () => {
  it("names every model of the schema: copied, or skipped on purpose", () => {
    expect([...COPIED_MODELS, ...SKIPPED_MODELS].sort()).toEqual(Object.keys(ModelName).sort());
  });

  it("copies every row of every table unchanged: ids, secret hashes, dates", async () => {
    const owner = await makeUser();
    const admin = credsOf(await makeKey(owner, { scopes: ["offers:write", "keys:write", "inventory:read"] }));
    // Named by partner: the key is linked to a Partner row made with it.
    const child = await makeKey(owner, { name: "to rotate", partner: "Copy partner", scopes: ["inventory:read"] });
    const item = await makeItem();
    const offer = await call(createOfferRoute, {
      method: "POST",
      path: "/api/v1/offers",
      key: admin,
      body: { inventoryItemId: item.id, amountCents: 12_345, currency: "USD" },
    });
    expect(offer.status).toBe(201);
    const rotated = await call(rotateKeyRoute, {
      method: "POST",
      path: `/api/v1/keys/${child.key.keyId}/rotate`,
      key: admin,
      params: { keyId: child.key.keyId },
    });
    expect(rotated.status).toBe(200);
    await services().logWriter.flush();

    const target = await freshTarget();
    const progress: string[] = [];
    const copied = await copyDatabase(db(), target, {
      batchSize: 1, // one row per batch: every table with two rows or more pages, so paging is exercised
      onProgress: (model, done, total) => progress.push(`${model} ${done}/${total}`),
    });
    for (const model of COPIED_MODELS) {
      const order = model === "KeyScopeUsage" ? [{ apiKeyId: "asc" }, { scope: "asc" }] : { id: "asc" };
      const source = await delegate(db(), model).findMany({ orderBy: order });
      // The scenario above fills every table but the webhook ones (compared all the same, empty or not).
      if (!model.startsWith("Webhook")) expect(source.length, `${model} has rows to copy`).toBeGreaterThan(0);
      expect(copied[model]).toBe(source.length);
      expect(comparable(await delegate(target, model).findMany({ orderBy: order })), model).toEqual(comparable(source));
    }
    expect(progress.length).toBeGreaterThan(COPIED_MODELS.length);
  });

  it("refuses a target that already holds data, and copies nothing", async () => {
    const target = await freshTarget();
    await target.user.create({ data: { email: "someone@example.test", passwordHash: "x" } });
    const before = await target.apiKey.count();
    await expect(copyDatabase(db(), target)).rejects.toThrow(CopyTargetNotEmptyError);
    await expect(copyDatabase(db(), target)).rejects.toThrow(/already holds data: User \(1 row\)/);
    expect(await target.apiKey.count()).toBe(before);
  });
});
