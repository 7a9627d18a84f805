import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { services } from "@/lib/services";
import { ApiError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { signInWithCredentials, type Role } from "@/lib/auth/users";

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

/** Dashboard sign-in: email + password (argon2id), JWT sessions signed with the server's session secret. */
export const sessionOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 12 * 3600 },
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
