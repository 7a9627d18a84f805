/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // A separate build folder lets a benchmark or a second checkout build without touching .next.
  distDir: process.env.KEYWARD_DIST_DIR || ".next",
  poweredByHeader: false,
  // The bench-only unguarded twin route exists only in a build made with KEYWARD_BENCH_BUILD=1.
  env: { KEYWARD_BENCH_BUILD: process.env.KEYWARD_BENCH_BUILD === "1" ? "1" : "0" },
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
