import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Migrate one template database; each test file starts from a fresh copy of it (test/setup-file.ts). */
export default function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyward-unit-"));
  const template = path.join(dir, "template.db");
  execFileSync(path.join(process.cwd(), "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${template}` },
    stdio: "pipe",
  });
  process.env.KEYWARD_TEST_DIR = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
