import { describe, expect, it } from "vitest";
import type pg from "pg";
import { assertSupportedVersion } from "./pg-migrate";

const serverAt = (versionNum: string) =>
  ({ query: async () => ({ rows: [{ server_version_num: versionNum }] }) }) as unknown as Pick<pg.Client, "query">;

describe("the PostgreSQL version check at start", () => {
  it("refuses PostgreSQL 13 in one sentence", async () => {
    await expect(assertSupportedVersion(serverAt("130012"))).rejects.toThrow(
      "Keyward needs PostgreSQL 14 or later; this server is PostgreSQL 13.",
    );
  });

  it("accepts 14 and later", async () => {
    await expect(assertSupportedVersion(serverAt("140000"))).resolves.toBeUndefined();
    await expect(assertSupportedVersion(serverAt("170002"))).resolves.toBeUndefined();
  });
});
