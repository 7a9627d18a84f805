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
  {
    // Components reach the browser: they import the client-safe catalog (lib/route-list.ts, lib/scopes.ts), never
    // the input schemas or what they pull in (zod, ipaddr.js). Types are erased, so type imports stay allowed.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "zod", allowTypeImports: true, message: "Keep zod out of the browser bundle." },
            { name: "ipaddr.js", allowTypeImports: true, message: "Keep ipaddr.js out of the browser bundle." },
            {
              name: "@/lib/api-routes",
              allowTypeImports: true,
              message: "Use the client-safe @/lib/route-list (no input schemas).",
            },
            {
              name: "@/lib/logs/log-query-input",
              allowTypeImports: true,
              message: "Input schemas are server-side; the filter values live in @/lib/logs/log-vocabulary.",
            },
            {
              name: "@/lib/keys/key-input",
              allowTypeImports: true,
              message: "Input schemas are server-side; constants the UI needs live in client-safe modules.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
