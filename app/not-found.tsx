import type { Metadata } from "next";
import Link from "next/link";
import { NotFoundMessage } from "@/components/errors/not-found-message";

export const metadata: Metadata = { title: "Page not found" };

/**
 * An address no route serves. Rendered outside the dashboard group (it may be reached signed out), so it
 * draws the shell's header itself.
 */
export default function NotFound() {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-12 max-w-7xl items-center px-4">
          <Link href="/" className="text-sm font-semibold tracking-tight text-slate-900">
            Keyward
          </Link>
        </div>
      </header>
      <main id="content" className="mx-auto max-w-7xl px-4 py-6">
        <NotFoundMessage />
      </main>
    </div>
  );
}
