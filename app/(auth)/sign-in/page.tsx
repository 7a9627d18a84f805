import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { sessionActor } from "@/app/_server/session";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeCallbackPath } from "@/components/auth/callback-url";

// Per-request (it reads the session): never prerendered at build time, when no secret may be touched.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = (await searchParams).callbackUrl;
  const callbackPath = safeCallbackPath(Array.isArray(raw) ? raw[0] : raw);
  if (await sessionActor()) redirect(callbackPath);
  return (
    <AuthCard
      title="Sign in"
      subtitle="to manage your API keys."
      footer={
        <>
          New to Keyward?{" "}
          <Link href="/sign-up" className="font-medium text-indigo-700 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm callbackPath={callbackPath} />
    </AuthCard>
  );
}
