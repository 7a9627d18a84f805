import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installScriptProblems, type AllowScripts } from "@/scripts/check-install-scripts";

const url = (name: string, version: string) =>
  `https://registry.npmjs.org/${name}/-/${name.split("/").pop()}-${version}.tgz`;

const lock = (packages: Record<string, { version: string; hasInstallScript?: boolean; resolved?: string }>) => ({
  packages: {
    "": {},
    ...Object.fromEntries(
      Object.entries(packages).map(([name, e]) => [`node_modules/${name}`, { resolved: url(name, e.version), ...e }]),
    ),
  },
});

describe("installScriptProblems", () => {
  it("passes this repository's lockfile and allowScripts", () => {
    const root = process.cwd();
    const repoLock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { allowScripts: AllowScripts };
    expect(installScriptProblems(repoLock, pkg.allowScripts)).toEqual([]);
    expect(Object.keys(pkg.allowScripts).sort()).toEqual([
      "@prisma/client@6.19.3",
      "@prisma/engines@6.19.3",
      "better-sqlite3@12.11.1",
      "esbuild@0.28.2",
      "prisma@6.19.3",
    ]);
  });

  it("accepts pinned approvals and name-only denials; packages without scripts need nothing", () => {
    const l = lock({
      "native-thing": { version: "1.2.3", hasInstallScript: true },
      "@acme/telemetry": { version: "0.1.0", hasInstallScript: true },
      "plain-lib": { version: "2.0.0" },
    });
    expect(installScriptProblems(l, { "native-thing@1.2.3": true, "@acme/telemetry": false })).toEqual([]);
  });

  it("fails on a new dependency with an unreviewed install script", () => {
    const l = lock({ "sneaky-postinstall": { version: "4.0.0", hasInstallScript: true } });
    expect(installScriptProblems(l, {})).toEqual([
      "sneaky-postinstall@4.0.0 has an install script that allowScripts does not cover: review it (npm install-scripts ls), then approve (npm install-scripts approve sneaky-postinstall) or deny (npm install-scripts deny sneaky-postinstall) it.",
    ]);
  });

  it("fails when an upgrade leaves the pin behind (the new version is unreviewed, the old pin is stale)", () => {
    const l = lock({ "native-thing": { version: "1.3.0", hasInstallScript: true } });
    expect(installScriptProblems(l, { "native-thing@1.2.3": true })).toEqual([
      "native-thing@1.3.0 has an install script that allowScripts does not cover: review it (npm install-scripts ls), then approve (npm install-scripts approve native-thing) or deny (npm install-scripts deny native-thing) it.",
      'allowScripts["native-thing@1.2.3"] matches no locked package with an install script: remove it (npm install-scripts prune).',
    ]);
  });

  it("fails on a name-only approval (any future version would run unreviewed)", () => {
    const l = lock({ "@scope/native": { version: "1.0.0", hasInstallScript: true } });
    expect(installScriptProblems(l, { "@scope/native": true })).toEqual([
      "@scope/native@1.0.0: approved by name only; pin the reviewed version (npm install-scripts approve @scope/native) so an upgrade is reviewed again.",
    ]);
  });

  it("fails when the lockfile cannot prove the version (no resolved URL: npm refuses the pin)", () => {
    const l = lock({ "native-thing": { version: "1.2.3", hasInstallScript: true, resolved: "" } });
    expect(installScriptProblems(l, { "native-thing@1.2.3": true })).toEqual([
      'native-thing@1.2.3: its package-lock.json entry has no registry "resolved" URL naming this package and version, so npm cannot verify a pinned approval (keep omit-lockfile-registry-resolved=false, as .npmrc sets it, and run npm install).',
    ]);
  });
});
