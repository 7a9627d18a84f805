import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold text-slate-900">Overview</h1>
      <p className="max-w-prose text-sm text-slate-600">
        Keyward issues scoped API keys to your partners, lets you rotate and revoke them, and records every request.
        Usage charts will appear here.
      </p>
      <Link href="/keys" className={buttonClasses("primary")}>
        Manage API keys
      </Link>
    </div>
  );
}
