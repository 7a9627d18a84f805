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
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
