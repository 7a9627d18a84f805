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
  const cached = (globalThis as { __keywardSecrets?: ServerSecrets }).__keywardSecrets;
  if (cached) return cached;
  const fromEnv = {
    sessionSecret: process.env.NEXTAUTH_SECRET,
    secretPepper: process.env.KEYWARD_SECRET_PEPPER,
  };
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
    if (parsed.sessionSecret && parsed.secretPepper) return parsed as ServerSecrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const created: ServerSecrets = {
    sessionSecret: randomBytes(32).toString("base64url"),
    secretPepper: randomBytes(32).toString("base64url"),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": if another process created it first, use theirs.
    fs.writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600, flag: "wx" });
    return created;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      return JSON.parse(fs.readFileSync(file, "utf8")) as ServerSecrets;
    }
    throw err;
  }
}
