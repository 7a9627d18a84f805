import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Env } from "./env";

export type ServerSecrets = { sessionSecret: string; secretPepper: string };

const FILE_NAME = "server-secrets.json";

const randomSecret = () => randomBytes(32).toString("base64url");

/**
 * The session-signing secret and the pepper for API secret hashes. Environment variables win
 * (NEXTAUTH_SECRET, KEYWARD_SECRET_PEPPER); otherwise they are generated on first start and kept in the data
 * folder (mode 0600), so a newcomer has nothing to configure and a restart keeps every key valid.
 */
export function loadServerSecrets(env: Env): ServerSecrets {
  if (env.isBuildPhase) {
    // A build must never write or bake in real secrets (a container image would carry them): throwaway ones.
    return { sessionSecret: randomSecret(), secretPepper: randomSecret() };
  }
  if (env.NEXTAUTH_SECRET && env.KEYWARD_SECRET_PEPPER) {
    return { sessionSecret: env.NEXTAUTH_SECRET, secretPepper: env.KEYWARD_SECRET_PEPPER };
  }
  const stored = readOrCreateFile(path.join(env.dataDir, FILE_NAME));
  return {
    sessionSecret: env.NEXTAUTH_SECRET ?? stored.sessionSecret,
    secretPepper: env.KEYWARD_SECRET_PEPPER ?? stored.secretPepper,
  };
}

function readOrCreateFile(file: string): ServerSecrets {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<ServerSecrets>;
    // Only this process's user may read the secrets, whatever a copy or restore did to the mode.
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    if (parsed.sessionSecret && parsed.secretPepper) return parsed as ServerSecrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const created: ServerSecrets = { sessionSecret: randomSecret(), secretPepper: randomSecret() };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Write a private temp file, then link it into place: the file appears complete or not at all, and if
  // another process created it first, its secrets win.
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(created, null, 2), { mode: 0o600 });
  try {
    fs.linkSync(temp, file);
    return created;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      return JSON.parse(fs.readFileSync(file, "utf8")) as ServerSecrets;
    }
    throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
