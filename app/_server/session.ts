import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sessionOptions } from "@/app/_server/auth-options";
import { getUserById } from "@/lib/auth/users";
import { clientIp } from "@/lib/http/client-ip";
import { rethrowForPage } from "./page-error";
import type { Actor } from "@/lib/auth/actor";

type UserActor = Extract<Actor, { kind: "user" }>;

/** The signed-in dashboard user as an Actor, or null. A deleted user's old session counts as none. */
export async function sessionActor(): Promise<UserActor | null> {
  const session = await getServerSession(sessionOptions);
  const id = session?.user?.id;
  if (!id) return null;
  const user = await getUserById(id).catch(rethrowForPage);
  if (!user) return null;
  return { kind: "user", userId: user.id, email: user.email, role: user.role, ip: clientIp(await headers()) };
}

/** For pages: the signed-in user, or a redirect to sign-in. */
export async function requireSessionActor(): Promise<UserActor> {
  const actor = await sessionActor();
  if (!actor) redirect("/sign-in");
  return actor;
}
