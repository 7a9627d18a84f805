import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateKeyId, generateSecret, isWellFormedSecret } from "../keys/key-format";
import { generateWebhookSecret } from "../webhooks/webhook-secret";

const ROOT = path.resolve(__dirname, "../..");

/** The rule the repo ships, read from .gitleaks.toml as a scanner would (RE2 syntax is valid JS here). */
function shippedRule(): RegExp {
  const toml = fs.readFileSync(path.join(ROOT, ".gitleaks.toml"), "utf8");
  const block = toml.split("[[rules]]").find((b) => /id\s*=\s*"keyward-api-secret"/.test(b));
  const source = block && /regex\s*=\s*'''(.+?)'''/.exec(block)?.[1];
  if (!source) throw new Error(".gitleaks.toml has no keyward-api-secret rule with a regex");
  return new RegExp(source, "g");
}

const matches = (rule: RegExp, text: string) => [...text.matchAll(rule)].map((m) => m[1]);

describe("the shipped gitleaks rule", () => {
  const rule = shippedRule();

  it("finds freshly generated live and test secrets, alone and inside code, config and URLs", () => {
    for (let i = 0; i < 200; i++) {
      const secret = generateSecret(i % 2 ? "live" : "test");
      for (const text of [
        secret,
        `const s = "${secret}";`,
        `KEYWARD_SECRET=${secret}\n`,
        `curl -u kw_live_x:${secret} https://h`,
        `{"secret":"${secret}"}`,
      ]) {
        expect(matches(rule, text), text).toEqual([secret]);
      }
    }
  });

  it("does not match key ids, webhook secrets, truncated or extended secrets", () => {
    const secret = generateSecret("live");
    for (const text of [
      generateKeyId("live"),
      generateWebhookSecret(),
      secret.slice(0, -1),
      `${secret}x`,
      `x${secret}`,
      secret.replace("kwsec_live_", "kwsec_prod_"),
      "kwsec_live_NebZ…fayd",
    ]) {
      expect(matches(rule, text), text).toEqual([]);
    }
  });

  it("matches nothing in the repository's tracked files (no real secret is committed; examples do not look real)", () => {
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      const full = path.join(ROOT, file);
      if (!fs.existsSync(full) || fs.statSync(full).size > 5_000_000) continue;
      for (const m of matches(rule, fs.readFileSync(full, "utf8"))) found.push(`${file}: ${m}`);
    }
    expect(found).toEqual([]);
  });

  it("every match it makes in generated text is a well-formed secret by checksum", () => {
    const text = Array.from({ length: 50 }, () => `token ${generateSecret("test")} end`).join("\n");
    const found = matches(rule, text);
    expect(found).toHaveLength(50);
    expect(found.every((s) => isWellFormedSecret(s!))).toBe(true);
  });
});
