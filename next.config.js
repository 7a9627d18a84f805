/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // A separate build folder lets a benchmark or a second checkout build without touching .next.
  distDir: process.env.KEYWARD_DIST_DIR || ".next",
  poweredByHeader: false,
  // The build type-checks only what it ships; `npm run typecheck` covers tests, scripts and benchmarks too.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  // Readable server stack traces and CPU profiles (bench/README.md); the browser bundle stays minified.
  experimental: { turbopackMinify: { server: false, client: true } },
  // The benchmark's unguarded twin (app/api/bench/**/route.bench.ts) is routed only in a bench build.
  pageExtensions: process.env.KEYWARD_BENCH_BUILD === "1" ? ["tsx", "ts", "bench.ts"] : ["tsx", "ts"],
  // Security headers are set by scripts/server.ts (lib/http/security-headers.ts) and proxy.ts (the pages' CSP):
  // they depend on the request (HSTS over https, a nonce per page), which next.config's headers() cannot see.
};

module.exports = nextConfig;
