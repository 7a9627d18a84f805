import NextAuth from "next-auth";
import { sessionOptions } from "@/app/_server/auth-options";
import { unsafeCallbackRedirect } from "@/app/_server/auth-callback";

const handler = NextAuth(sessionOptions);

/**
 * next-auth answers a callbackUrl it cannot parse as http(s) ("javascript:…", "%2F%2Fevil.example" in a
 * cookie) with a 500 error page. Such a value is replaced with a same-site one first, by a redirect.
 */
async function guarded(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
  return unsafeCallbackRedirect(req) ?? handler(req, ctx);
}

export { guarded as GET, guarded as POST };
