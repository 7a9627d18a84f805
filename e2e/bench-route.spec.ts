import { expect, test } from "@playwright/test";

// The benchmark's unguarded twin of GET /api/v1/inventory must not exist in a normal build.
test("a normal build has no unguarded benchmark route", async ({ request }) => {
  const res = await request.get("/api/bench/unguarded-inventory");
  expect(res.status()).toBe(404);
  const guarded = await request.get("/api/v1/inventory");
  expect(guarded.status()).toBe(401);
});
