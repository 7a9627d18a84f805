import "server-only";
import { db } from "../db";
import { hashPassword } from "../auth/password";
import { CONDITIONS } from "../inventory/inventory-input";

export const DEMO_ACCOUNTS = [
  { email: "demo@keyward.dev", password: "demo-password-1", role: "user", name: "Demo Partner Manager" },
  { email: "support@keyward.dev", password: "support-password-1", role: "support", name: "Demo Support" },
] as const;

/** Seed the demo accounts when there are no users at all (first start). Returns true when it seeded. */
export async function seedDemoAccountsIfEmpty(): Promise<boolean> {
  if ((await db().user.count()) > 0) return false;
  for (const account of DEMO_ACCOUNTS) {
    await db().user.create({
      data: {
        email: account.email,
        name: account.name,
        role: account.role,
        passwordHash: await hashPassword(account.password),
      },
    });
  }
  return true;
}

const CATALOGUE: { brand: string; models: string[]; storage: number[]; basePrice: number }[] = [
  {
    brand: "Apple",
    models: [
      "iPhone 12",
      "iPhone 13",
      "iPhone 13 mini",
      "iPhone 14",
      "iPhone 14 Pro",
      "iPhone 15",
      "iPhone 15 Pro Max",
    ],
    storage: [64, 128, 256, 512],
    basePrice: 42000,
  },
  {
    brand: "Samsung",
    models: ["Galaxy S21", "Galaxy S22", "Galaxy S23", "Galaxy S23 Ultra", "Galaxy A54", "Galaxy Z Flip5"],
    storage: [128, 256, 512],
    basePrice: 35000,
  },
  {
    brand: "Google",
    models: ["Pixel 6", "Pixel 7", "Pixel 7 Pro", "Pixel 8", "Pixel 8 Pro"],
    storage: [128, 256],
    basePrice: 30000,
  },
  {
    brand: "OnePlus",
    models: ["OnePlus 10 Pro", "OnePlus 11", "OnePlus Nord 3"],
    storage: [128, 256],
    basePrice: 24000,
  },
  {
    brand: "Xiaomi",
    models: ["Xiaomi 13", "Redmi Note 12", "Xiaomi 13T Pro"],
    storage: [128, 256, 512],
    basePrice: 20000,
  },
];

const CONDITION_FACTOR: Record<(typeof CONDITIONS)[number], number> = { A: 1, B: 0.82, C: 0.63, D: 0.4 };

/** A small deterministic PRNG, so every fresh database gets the same catalogue (mulberry32). */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seed the device inventory (a few hundred items) when it is empty. Returns the number created. */
export async function seedInventoryIfEmpty(count = 320): Promise<number> {
  if ((await db().inventoryItem.count()) > 0) return 0;
  const random = prng(20261129);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const items = Array.from({ length: count }, () => {
    const line = pick(CATALOGUE);
    const storageGb = pick(line.storage);
    const condition = pick(CONDITIONS);
    const modelIndex = line.models.indexOf(pick(line.models));
    const price =
      line.basePrice * (1 + modelIndex * 0.12) * (1 + Math.log2(storageGb / 64) * 0.1) * CONDITION_FACTOR[condition];
    const roll = random();
    return {
      brand: line.brand,
      model: line.models[modelIndex]!,
      storageGb,
      condition,
      priceCents: Math.round(price / 100) * 100,
      currency: "USD",
      status: roll < 0.85 ? "available" : roll < 0.93 ? "reserved" : "sold",
    };
  });
  await db().inventoryItem.createMany({ data: items });
  return items.length;
}
