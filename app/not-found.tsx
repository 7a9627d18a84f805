import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { unstable_rethrow } from "next/navigation";
import { sessionActor } from "@/app/_server/session";
import { NotFoundMessage } from "@/components/errors/not-found-message";
import { DashboardShell } from "@/components/layout/dashboard-shell";
import { readThemeChoice, THEME_COOKIE } from "@/components/layout/theme";

export const metadata: Metadata = { title: "Page not found" };

/**
 * An address no route serves. Signed in, the message sits in the whole dashboard shell (nav, find box, account);
 * signed out, under a plain header with the way to sign in, and it says nothing about what exists.
 */
export default async function NotFound() {
  // Reading cookies first makes this page per-request (never prerendered signed out at build time).
  const theme = readThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  // The message must show even when the session cannot be read (storage down): then as signed out.
  const actor = await sessionActor().catch((error: unknown) => {
    unstable_rethrow(error);
    return null;
  });
  if (actor) {
    return (
      <DashboardShell actor={actor} theme={theme}>
        <NotFoundMessage />
      </DashboardShell>
    );
  }
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-12 max-w-7xl items-center justify-between px-4">
          <Link href="/" className="text-sm font-semibold tracking-tight text-slate-900">
            Keyward
          </Link>
          <Link href="/sign-in" className="text-sm font-medium text-indigo-700 hover:underline">
            Sign in
          </Link>
        </div>
      </header>
      <main id="content" className="mx-auto max-w-7xl px-4 py-6">
        <NotFoundMessage />
      </main>
    </div>
  );
}
