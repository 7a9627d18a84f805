import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import { connection } from "next/server";
import { readThemeChoice, THEME_COOKIE } from "@/components/layout/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Keyward", template: "%s · Keyward" },
  description: "Granular API keys for the partner API: scoped, rotatable, revocable, logged.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: its scripts carry that response's CSP nonce (proxy.ts), which a page
  // prerendered at build time could not.
  await connection();
  // "system" leaves the class off: the CSS then follows prefers-color-scheme.
  const theme = readThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" className={theme === "system" ? undefined : theme}>
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
