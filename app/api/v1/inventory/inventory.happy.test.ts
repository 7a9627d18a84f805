import { describe, expect, it, beforeAll } from "vitest";
import { GET } from "./route";
import { call, makeKey, makeUser } from "@/test/fixtures";
import { seedInventoryIfEmpty } from "@/lib/seed/demo";

describe("GET /api/v1/inventory (happy)", () => {
  beforeAll(async () => {
    await seedInventoryIfEmpty(60);
  });

  it("lists items for a key with inventory:read and pages through all of them exactly once", async () => {
    const owner = await makeUser();
    const { key, secret } = await makeKey(owner, { scopes: ["inventory:read"] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(GET, {
        path: `/api/v1/inventory?limit=25${cursor ? `&cursor=${cursor}` : ""}`,
        key: { keyId: key.keyId, secret },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id")).toMatch(/^req_/);
      seen.push(...res.body!.data.map((i: { id: string }) => i.id));
      cursor = res.body!.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
  });
});
