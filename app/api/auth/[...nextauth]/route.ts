import NextAuth from "next-auth";
import { sessionOptions } from "@/app/_server/auth-options";

const handler = NextAuth(sessionOptions);
export { handler as GET, handler as POST };
