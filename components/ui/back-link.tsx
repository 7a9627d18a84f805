import Link from "next/link";

/** The "← list" link above a detail page's heading: back to the list the page belongs to. */
export function BackLink({ href, children }: { href: string; children: string }) {
  return (
    <Link href={href} className="text-xs text-slate-600 hover:text-slate-800">
      ← {children}
    </Link>
  );
}
