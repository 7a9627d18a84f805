import Link from "next/link";

const link =
  "rounded-md text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600";

/** The one "page not found" message, with the ways back a lost person most likely wants. */
export function NotFoundMessage() {
  return (
    <div className="max-w-xl space-y-3">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="text-xl font-semibold text-slate-900">Page not found</h1>
      <p className="text-sm text-slate-600">
        There is nothing at this address. If you followed a link to a key or a request, it may belong to another account
        or be past the log&apos;s retention.
      </p>
      <ul className="flex flex-wrap gap-4">
        <li>
          <Link href="/" className={link}>
            Overview
          </Link>
        </li>
        <li>
          <Link href="/keys" className={link}>
            API keys
          </Link>
        </li>
        <li>
          <Link href="/logs" className={link}>
            Request log
          </Link>
        </li>
        <li>
          <Link href="/docs" className={link}>
            API docs
          </Link>
        </li>
      </ul>
    </div>
  );
}
