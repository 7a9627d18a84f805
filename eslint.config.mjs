import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "node_modules/**",
      "lib/db/generated/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "bench/.work/**",
      "e2e/.artifacts/**",
      "next-env.d.ts",
    ],
  },
  {
    // `_`-prefixed names are deliberately unused (e.g. fields dropped by destructuring).
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    // lib/ is plain TypeScript: no Next.js or React, so the domain runs (and is tested) anywhere.
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["next/*", "next", "next-auth", "next-auth/*", "react", "react-dom"],
              message: "lib/ must not import Next.js, next-auth or React.",
            },
          ],
        },
      ],
    },
  },
  {
    // Components get data through pages, server actions and route handlers, never the database.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/db", "@/lib/db/*", "**/lib/db", "**/lib/db/*"],
              message: "components/ must not touch the database.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
