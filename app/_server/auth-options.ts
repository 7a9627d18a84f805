import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { services } from "@/lib/services";
import { ApiError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { signInWithCredentials, type Role } from "@/lib/auth/users";
import { safeCallbackPath } from "@/components/auth/callback-url";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string | null; role: Role };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
  }
}

/** The error the sign-in form sees when authorize failed for a reason other than credentials or throttling. */
const SIGN_IN_UNAVAILABLE = "SignInUnavailable";

/** next-auth passes the request's headers as a plain object (values may be arrays on the Pages router). */
function toHeaders(raw: Record<string, unknown> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(", "));
  }
  return headers;
}

/**
 * Where next-auth may send the browser after signing in or out: a path on this site, else the home page.
 * next-auth's default calls `new URL(url)` on the raw callbackUrl, which throws (a 500) for values like
 * "%2F%2Fevil.example"; here nothing throws and nothing leaves the site ("//evil.example", "javascript:…").
 */
export function sameSiteRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  const base = baseUrl.replace(/\/+$/, "");
  let path = url;
  try {
    const absolute = new URL(url);
    if (absolute.origin !== new URL(base).origin) return `${base}/`;
    path = absolute.pathname + absolute.search + absolute.hash;
  } catch {
    // Not an absolute URL: a path (checked below), or garbage (refused below).
  }
  // Signing out lands on the sign-in page, so auth pages are fine here (the sign-in form refuses them itself).
  return `${base}${safeCallbackPath(path, "/", { allowAuthPages: true })}`;
}

/** Dashboard sign-in: email + password (argon2id), JWT sessions signed with the server's session secret. */
export const sessionOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 12 * 3600 },
  // Secure cookies (and the __Secure-/__Host- prefixes) whenever the public URL is https, decided here rather
  // than left to next-auth's reading of NEXTAUTH_URL.
  get useSecureCookies() {
    return (services().env.NEXTAUTH_URL ?? "").startsWith("https://");
  },
  pages: { signIn: "/sign-in" },
  // A getter: the secret is read (or generated into the data folder) at request time, never at build time.
  get secret() {
    return services().secrets.sessionSecret;
  },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        try {
          return await signInWithCredentials(credentials ?? {}, { ip: clientIp(toHeaders(req?.headers)) });
        } catch (err) {
          // next-auth hands a thrown message to the client's signIn() result as `error` (a null return becomes
          // "CredentialsSignin"), so only the throttle's own wording goes out; anything else is logged here.
          if (err instanceof ApiError && err.code === "rate_limited") throw new Error(err.message);
          services().logger.error({ err }, "sign-in failed");
          throw new Error(SIGN_IN_UNAVAILABLE);
        }
      },
    }),
  ],
  callbacks: {
    async redirect(params) {
      return sameSiteRedirect(params);
    },
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = (user as { role?: Role }).role ?? "user";
      }
      return token;
    },
    async session({ session, token }) {
      session.user = {
        id: token.uid ?? "",
        email: token.email ?? "",
        name: token.name ?? null,
        role: token.role ?? "user",
      };
      return session;
    },
  },
};
