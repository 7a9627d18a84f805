import Link from "next/link";
import { requireSessionActor } from "@/app/_server/session";
import { NavLinks } from "@/components/layout/nav-links";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { Badge } from "@/components/ui/badge";

// Per-request (it reads the session): never prerendered at build time, when no secret may be touched.
export const dynamic = "force-dynamic";

/** Every page in this group needs a signed-in user; pages call requireSessionActor() again for the actor. */
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireSessionActor();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <nav aria-label="Main" className="mx-auto flex h-12 max-w-7xl items-center gap-6 px-4">
          <Link href="/" className="text-sm font-semibold tracking-tight text-slate-900">
            Keyward
          </Link>
          <NavLinks />
          <div className="ml-auto flex items-center gap-3">
            <span className="text-xs text-slate-600" data-testid="current-user">
              {actor.email}
            </span>
            {actor.role === "support" ? <Badge tone="amber">support</Badge> : null}
            <SignOutButton />
          </div>
        </nav>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
