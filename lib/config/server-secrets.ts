import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { dataDir } from "./database-url";

type ServerSecrets = { sessionSecret: string; secretPepper: string };

const FILE_NAME = "server-secrets.json";

/**
 * The session-signing secret and the pepper for API secret hashes. Environment variables win
 * (NEXTAUTH_SECRET, KEYWARD_SECRET_PEPPER); otherwise they are generated on first start and kept in the data
 * folder (mode 0600), so a newcomer has nothing to configure and a restart keeps every key valid.
 */
export function loadServerSecrets(): ServerSecrets {
  if (process.env.NEXT_PHASE === "phase-production-build") {
    // A build must never write or bake in real secrets (a container image would carry them): throwaway ones.
    return {
      sessionSecret: randomBytes(32).toString("base64url"),
      secretPepper: randomBytes(32).toString("base64url"),
    };
  }
  const cached = (globalThis as { __keywardSecrets?: ServerSecrets }).__keywardSecrets;
  if (cached) return cached;
  const fromEnv = {
    sessionSecret: process.env.NEXTAUTH_SECRET,
    secretPepper: process.env.KEYWARD_SECRET_PEPPER,
  };
  for (const [name, value] of [
    ["NEXTAUTH_SECRET", fromEnv.sessionSecret],
    ["KEYWARD_SECRET_PEPPER", fromEnv.secretPepper],
  ] as const) {
    if (value !== undefined && value.length < 32) {
      throw new Error(`${name} must be at least 32 characters of random data (e.g. openssl rand -base64 32).`);
    }
  }
  let secrets: ServerSecrets;
  if (fromEnv.sessionSecret && fromEnv.secretPepper) {
    secrets = { sessionSecret: fromEnv.sessionSecret, secretPepper: fromEnv.secretPepper };
  } else {
    const stored = readOrCreateFile();
    secrets = {
      sessionSecret: fromEnv.sessionSecret ?? stored.sessionSecret,
      secretPepper: fromEnv.secretPepper ?? stored.secretPepper,
    };
  }
  (globalThis as { __keywardSecrets?: ServerSecrets }).__keywardSecrets = secrets;
  return secrets;
}

function readOrCreateFile(): ServerSecrets {
  const file = path.join(dataDir(), FILE_NAME);
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<ServerSecrets>;
    // Only this process's user may read the secrets, whatever a copy or restore did to the mode.
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    if (parsed.sessionSecret && parsed.secretPepper) return parsed as ServerSecrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const created: ServerSecrets = {
    sessionSecret: randomBytes(32).toString("base64url"),
    secretPepper: randomBytes(32).toString("base64url"),
  };
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
