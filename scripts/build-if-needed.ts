import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SOURCES = [
  "app",
  "components",
  "lib",
  "prisma",
  "next.config.js",
  "package.json",
  "instrumentation.ts",
  "proxy.ts",
  "postcss.config.mjs",
  "tsconfig.json",
];

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) {
    if (child === "generated" || child === "node_modules") continue;
    // Tests are not part of the build: editing one must not rebuild (and swap .next under a running server).
    if (/\.test\.tsx?$/.test(child)) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

/** True when there is no production build in the dist folder, or a source file is newer than it. */
export function needsBuild(distDir = process.env.KEYWARD_DIST_DIR || ".next"): boolean {
  const buildId = path.join(distDir, "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  return SOURCES.some((s) => newestMtime(s) > built);
}

export function buildIfNeeded(): void {
  if (!needsBuild()) return;
  console.log("[keyward] building the app (first start or sources changed)...");
  execFileSync("npm", ["run", "build"], { stdio: "inherit", env: process.env });
}

if (require.main === module) buildIfNeeded();
