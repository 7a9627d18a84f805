import fs from "node:fs";
import path from "node:path";

/**
 * Supply-chain gate, run first by `npm test` (so CI fails fast, offline and deterministically): every
 * dependency in package-lock.json that has an install script must be reviewed in package.json's
 * `allowScripts`: approved pinned to the locked version (`pkg@1.2.3: true`) or denied (`pkg: false`).
 * npm 12 silently skips unapproved install scripts, so an unreviewed one would either break the install
 * (a native module without its build) or, approved blindly by name, run code nobody read.
 *
 * It also checks what npm needs to honour a pin: the lockfile entry's `resolved` URL, from which npm takes
 * the trusted name and version (the package's own package.json could lie). And it fails on approvals that
 * match nothing installed, so the list stays the reviewed truth (`npm install-scripts prune` clears them).
 */

type LockEntry = {
  version?: string;
  resolved?: string;
  hasInstallScript?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  link?: boolean;
};
type Lock = { packages: Record<string, LockEntry> };
export type AllowScripts = Record<string, boolean>;

const REGISTRY_TARBALL = /^https:\/\/registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\/-\/[^/]+-(\d[^/]*)\.tgz$/;

/** "@scope/name@1.2.3" -> { name, version }; a bare name has no version. */
function parseKey(key: string): { name: string; version: string | null } {
  const at = key.lastIndexOf("@");
  return at > 0 ? { name: key.slice(0, at), version: key.slice(at + 1) } : { name: key, version: null };
}

/** The problems, one sentence each; empty when every install script is reviewed. */
export function installScriptProblems(lock: Lock, allowScripts: AllowScripts = {}): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  const entries = Object.entries(allowScripts).map(([key, allowed]) => ({ key, allowed, ...parseKey(key) }));

  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where || entry.link || !entry.hasInstallScript) continue;
    const name = where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
    const id = `${name}@${entry.version}`;
    const fromUrl = entry.resolved ? REGISTRY_TARBALL.exec(entry.resolved) : null;
    if (!fromUrl || fromUrl[1] !== name || fromUrl[2] !== entry.version) {
      problems.push(
        `${id}: its package-lock.json entry has no registry "resolved" URL naming this package and version, so npm cannot verify a pinned approval (keep omit-lockfile-registry-resolved=false, as .npmrc sets it, and run npm install).`,
      );
    }
    const matching = entries.filter((e) => e.name === name && (e.version === null || e.version === entry.version));
    for (const m of matching) used.add(m.key);
    if (matching.some((m) => m.allowed === false)) continue; // denied on purpose: reviewed
    if (matching.some((m) => m.allowed && m.version === entry.version)) continue;
    if (matching.some((m) => m.allowed)) {
      problems.push(
        `${id}: approved by name only; pin the reviewed version (npm install-scripts approve ${name}) so an upgrade is reviewed again.`,
      );
      continue;
    }
    problems.push(
      `${id} has an install script that allowScripts does not cover: review it (npm install-scripts ls), then approve (npm install-scripts approve ${name}) or deny (npm install-scripts deny ${name}) it.`,
    );
  }

  for (const e of entries) {
    if (!used.has(e.key)) {
      problems.push(
        `allowScripts["${e.key}"] matches no locked package with an install script: remove it (npm install-scripts prune).`,
      );
    }
  }
  return problems;
}

if (require.main === module) {
  const root = process.cwd();
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as Lock;
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { allowScripts?: AllowScripts };
  const problems = installScriptProblems(lock, pkg.allowScripts);
  if (problems.length) {
    console.error(
      `Install scripts not reviewed (package.json allowScripts):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    process.exit(1);
  }
  const reviewed = Object.keys(pkg.allowScripts ?? {}).join(", ");
  console.log(`Install scripts: all reviewed (${reviewed || "none"}).`);
}
