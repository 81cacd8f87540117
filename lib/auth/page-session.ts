import { headers } from "next/headers";
import { cache } from "react";
import { redirect } from "next/navigation";
import { getDb } from "../db";
import type { UserRow } from "../db/schema";
import { authenticate } from "./authenticate";

/** The signed-in user for a server component, or null; looked up once per render (layout and page share it). */
export const pageUser = cache(async (): Promise<UserRow | null> => {
  const h = await headers();
  const actor = await authenticate(await getDb(), new Request("http://kiln.local/", { headers: new Headers(h) })).catch(() => null);
  return actor?.kind === "user" ? actor.user : null;
});

/** Pages behind sign-in call this first: it redirects to /signin when nobody is signed in. */
export async function requirePageUser(from: string): Promise<UserRow> {
  const user = await pageUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(from)}`);
  return user;
}

export async function requirePageAdmin(from: string): Promise<UserRow> {
  const user = await requirePageUser(from);
  if (!user.admin) redirect("/?error=admin-only");
  return user;
}
