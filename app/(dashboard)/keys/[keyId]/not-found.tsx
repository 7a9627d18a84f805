import Link from "next/link";

/** Another owner's key, a revoked-and-gone id or a typo: all the same answer, which confirms nothing. */
export default function KeyNotFound() {
  return (
    <div className="space-y-3">
      <h1 className="text-xl font-semibold text-slate-900">Key not found</h1>
      <p className="text-sm text-slate-600">There is no API key with this id among the keys you can see.</p>
      <Link href="/keys" className="text-sm font-medium text-indigo-700 hover:underline">
        Back to your keys
      </Link>
    </div>
  );
}
