import { beforeAll, describe, expect, test } from "vitest";
import { makeKey, makeUser, type UserActor } from "@/test/fixtures";
import { parseOrThrow } from "../errors";
import { listKeysQuery } from "./key-input";
import { listKeys } from "./list-keys";

// The search box must behave the same on SQLite (LIKE ignores case) and PostgreSQL (needs ILIKE).
let owner: UserActor;
const keyIds: Record<string, string> = {};

beforeAll(async () => {
  owner = await makeUser();
  keyIds.billing = (await makeKey(owner, { name: "Billing Sync", partner: "Acme Corp" })).key.keyId;
  keyIds.ledger = (await makeKey(owner, { name: "ledger export", partner: "Globex" })).key.keyId;
  keyIds.percent = (await makeKey(owner, { name: "100% sync", partner: "Under_Score" })).key.keyId;
  keyIds.underx = (await makeKey(owner, { name: "plain", partner: "UnderXScore" })).key.keyId;
  keyIds.backslash = (await makeKey(owner, { name: "C:\\feeds", partner: "Initech" })).key.keyId;
});

async function search(q: string): Promise<string[]> {
  const page = await listKeys(owner, parseOrThrow(listKeysQuery, { q }));
  return page.data.map((k) => k.keyId).sort();
}

describe("listKeys search", () => {
  test.each([
    ["billing", ["billing"]],
    ["BILLING SYNC", ["billing"]],
    ["Ledger", ["ledger"]],
    ["acme", ["billing"]],
    ["GLOBEX", ["ledger"]],
    ["sync", ["billing", "percent"]],
    ["0% S", ["percent"]],
    ["\\", ["backslash"]],
    ["c:\\F", ["backslash"]],
    ["nothing like it", []],
  ])("%s -> %j (name or partner, any case)", async (q, want) => {
    expect(await search(q)).toEqual(want.map((n) => keyIds[n]!).sort());
  });

  // LIKE's wildcards are plain text in a search, on both databases (lib/db/text-filter.ts).
  test.each([
    ["%", ["percent"]],
    ["under_score", ["percent"]],
  ])("%s -> %j (wildcards are text)", async (q, want) => {
    expect(await search(q)).toEqual(want.map((n) => keyIds[n]!).sort());
  });

  test("matches the key id in any case", async () => {
    const id = keyIds.ledger!;
    expect(await search(id.toUpperCase().slice(-10))).toEqual([id]);
  });
});
