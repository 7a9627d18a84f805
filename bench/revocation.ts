import { preparedDataDir, median, startBenchServer, tsx } from "./support";

/**
 * Revocation latency: partner traffic runs on 4 concurrent loops with key B; automation revokes B through
 * the management API with key A. Measured: from the revoke response to the first refused request, and
 * whether any request sent after the revoke response was still accepted (must never happen).
 */
async function main() {
  const trials = Number(process.env.BENCH_REVOKE_TRIALS) || 20;
  const dataDir = preparedDataDir("revocation");
  const createKey = (name: string, scopes: string) =>
    JSON.parse(
      tsx("scripts/create-key.ts", ["--json", "--email", "demo@keyward.dev", "--name", name, "--scopes", scopes], {
        KEYWARD_DATA_DIR: dataDir,
      })
        .trim()
        .split("\n")
        .pop()!,
    ) as {
      keyId: string;
      secret: string;
    };
  const admin = createKey("revoker", "keys:read,keys:write,inventory:read");
  const victims = Array.from({ length: trials }, (_, i) => createKey(`victim-${i}`, "inventory:read"));
  const server = await startBenchServer(dataDir, 3473);
  const results: { revokeToFirstRefusalMs: number; acceptedAfterRevoke: number; revokeCallMs: number }[] = [];
  try {
    for (const victim of victims) {
      let revokedAt = Infinity;
      let firstRefusalAt = Infinity;
      let acceptedAfter = 0;
      let stop = false;
      const loop = async () => {
        while (!stop) {
          const sentAt = performance.now();
          const res = await fetch(`${server.url}/api/v1/inventory/nonexistent`, {
            headers: { "X-API-Key": victim.keyId, "X-API-Secret": victim.secret },
          });
          const body = (await res.json()) as { error?: { code: string } };
          const at = performance.now();
          if (body.error?.code === "key_revoked") {
            firstRefusalAt = Math.min(firstRefusalAt, at);
            stop = true;
          } else if (sentAt > revokedAt) acceptedAfter++;
        }
      };
      const loops = Array.from({ length: 4 }, loop);
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/v1/keys/${victim.keyId}/revoke`, {
        method: "POST",
        headers: { "X-API-Key": admin.keyId, "X-API-Secret": admin.secret, "content-type": "application/json" },
        body: JSON.stringify({ reason: "benchmark" }),
      });
      if (res.status !== 200) throw new Error(`revoke answered ${res.status}: ${await res.text()}`);
      revokedAt = performance.now();
      await Promise.all(loops);
      results.push({
        revokeToFirstRefusalMs: Math.max(0, firstRefusalAt - revokedAt),
        acceptedAfterRevoke: acceptedAfter,
        revokeCallMs: revokedAt - t0,
      });
    }
  } finally {
    await server.stop();
  }
  const gaps = results.map((r) => r.revokeToFirstRefusalMs);
  console.log(
    JSON.stringify({
      trials,
      concurrentLoops: 4,
      revokeToFirstRefusalMs: { median: median(gaps), max: Math.max(...gaps) },
      revokeCallMs: { median: median(results.map((r) => r.revokeCallMs)) },
      requestsAcceptedAfterRevokeResponse: results.reduce((n, r) => n + r.acceptedAfterRevoke, 0),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
