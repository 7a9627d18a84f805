import "server-only";
import { services } from "../services";
import type { Db } from "./create-prisma-client";

export type { Db } from "./create-prisma-client";
export type { Prisma } from "./generated/sqlite/client";

/** The process's Prisma client, owned by the composition root (lib/services.ts). */
export function db(): Db {
  return services().db;
}
