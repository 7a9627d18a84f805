import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

const MIGRATIONS = path.resolve("prisma/sqlite/migrations");
const PARTNERS = "20261130033133_partners";

/** Apply the committed SQLite migrations in order, running `before` just ahead of the named one. */
function migrate(db: Database.Database, until: string, before: () => void) {
  const dirs = fs
    .readdirSync(MIGRATIONS)
    .filter((d) => fs.existsSync(path.join(MIGRATIONS, d, "migration.sql")))
    .sort();
  for (const dir of dirs) {
    if (dir === until) before();
    db.exec(fs.readFileSync(path.join(MIGRATIONS, dir, "migration.sql"), "utf8"));
  }
}

describe("the partners migration (SQLite)", () => {
  it("turns each distinct (owner, label) into one partner and links its keys; keys without a label stay unlinked", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-partners-migration-"));
    const db = new Database(path.join(dir, "m.db"));
    try {
      const now = "2026-11-01T00:00:00.000+00:00";
      migrate(db, PARTNERS, () => {
        for (const u of ["u1", "u2"])
          db.prepare(`INSERT INTO "User" ("id","email","passwordHash") VALUES (?,?,?)`).run(u, `${u}@x.test`, "h");
        const key = db.prepare(
          `INSERT INTO "ApiKey" ("id","keyId","ownerId","name","partner","environment","updatedAt") VALUES (?,?,?,?,?,?,?)`,
        );
        key.run("k1", "kw_live_0000000000000001", "u1", "a", "Acme", "live", now);
        key.run("k2", "kw_live_0000000000000002", "u1", "b", " Acme ", "live", now);
        key.run("k3", "kw_live_0000000000000003", "u2", "c", "Acme", "live", now);
        key.run("k4", "kw_live_0000000000000004", "u1", "d", "Globex", "live", now);
        key.run("k5", "kw_live_0000000000000005", "u1", "e", null, "live", now);
        key.run("k6", "kw_live_0000000000000006", "u1", "f", "  ", "live", now);
      });
      const partners = db.prepare(`SELECT "id","ownerId","name" FROM "Partner" ORDER BY "ownerId","name"`).all() as {
        id: string;
        ownerId: string;
        name: string;
      }[];
      expect(partners.map((p) => `${p.ownerId}:${p.name}`)).toEqual(["u1:Acme", "u1:Globex", "u2:Acme"]);
      const idOf = (owner: string, name: string) => partners.find((p) => p.ownerId === owner && p.name === name)!.id;
      const links = Object.fromEntries(
        (db.prepare(`SELECT "id","partnerId" FROM "ApiKey"`).all() as { id: string; partnerId: string | null }[]).map(
          (r) => [r.id, r.partnerId],
        ),
      );
      expect(links).toEqual({
        k1: idOf("u1", "Acme"),
        k2: idOf("u1", "Acme"),
        k3: idOf("u2", "Acme"),
        k4: idOf("u1", "Globex"),
        k5: null,
        k6: null,
      });
      // The timestamps are in the form Prisma reads back.
      const row = db.prepare(`SELECT "createdAt" FROM "Partner" LIMIT 1`).get() as { createdAt: string };
      expect(Number.isNaN(Date.parse(row.createdAt))).toBe(false);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
