import { parseArgs } from "node:util";
import { db } from "../lib/db";
import { closeServices } from "../lib/services";
import { createKey } from "../lib/keys/create-key";
import { parseOrThrow, toApiError } from "../lib/errors";
import { createKeyInput } from "../lib/keys/key-input";

/**
 * Operator CLI: create a key for an existing user (bootstrap automation, benchmarks, tests).
 *   npm run keys:create -- --email demo@keyward.dev --name "CI" --scopes inventory:read,keys:write [--env test] [--json]
 * Prints the secret once; Keyward keeps only its hash.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      partner: { type: "string" },
      scopes: { type: "string", default: "" },
      env: { type: "string", default: "live" },
      "rate-limit": { type: "string" },
      "ip-allowlist": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.email || !values.name) {
    console.error(
      "usage: keys:create --email <owner email> --name <key name> [--scopes a,b] [--env live|test] [--partner P] [--rate-limit N] [--ip-allowlist cidr,cidr] [--json]",
    );
    process.exit(2);
  }
  const user = await db().user.findUnique({ where: { email: values.email.toLowerCase() } });
  if (!user) {
    console.error(`No user with email ${values.email}.`);
    process.exit(1);
  }
  const actor = {
    kind: "user" as const,
    userId: user.id,
    email: user.email,
    role: user.role === "support" ? ("support" as const) : ("user" as const),
    ip: null,
  };
  try {
    const input = parseOrThrow(createKeyInput, {
      name: values.name,
      partner: values.partner,
      environment: values.env,
      scopes: values.scopes ? values.scopes.split(",").map((s) => s.trim()) : [],
      ...(values["rate-limit"] ? { rateLimitPerMinute: Number(values["rate-limit"]) } : {}),
      ...(values["ip-allowlist"] ? { ipAllowlist: values["ip-allowlist"].split(",").map((s) => s.trim()) } : {}),
    });
    const { key, secret } = await createKey(actor, input);
    if (values.json) console.log(JSON.stringify({ keyId: key.keyId, secret }));
    else console.log(`key id: ${key.keyId}\nsecret: ${secret}\n(shown once: store it now)`);
  } catch (err) {
    const e = toApiError(err);
    console.error(`${e.code}: ${e.message}`);
    process.exit(1);
  } finally {
    await closeServices();
  }
}

void main();
