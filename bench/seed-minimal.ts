import { db, closeDb } from "../lib/db";
import { seedInventoryIfEmpty } from "../lib/seed/demo";
import { hashPassword } from "../lib/auth/password";

/** The benchmark owner and the inventory, in a freshly migrated data folder. */
async function main() {
  await db().$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await seedInventoryIfEmpty();
  await db().user.upsert({
    where: { email: "bench@keyward.dev" },
    create: { email: "bench@keyward.dev", role: "user", passwordHash: await hashPassword("bench-password-1") },
    update: {},
  });
  await closeDb();
}

void main();
