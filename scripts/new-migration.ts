import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** `npm run db:migration:new -- <name>`: write the SQL that takes the committed migrations to the schema. */
const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:migration:new -- <name>");
  process.exit(2);
}
const dir = path.join("prisma", "sqlite", "migrations");
const sql = execFileSync(
  path.join("node_modules", ".bin", "prisma"),
  [
    "migrate",
    "diff",
    "--from-migrations",
    dir,
    "--to-schema-datamodel",
    path.join("prisma", "sqlite", "schema.prisma"),
    "--script",
  ],
  { encoding: "utf8" },
);
if (sql.includes("This is an empty migration")) {
  console.log("The schema matches the migrations: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
fs.mkdirSync(target, { recursive: true });
fs.writeFileSync(path.join(target, "migration.sql"), sql);
console.log(`wrote ${path.join(target, "migration.sql")}`);
