import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db";
import { readSettings } from "@/lib/settings";
import { ImagesAdmin } from "../_components/images-admin";
import { InvitesAdmin } from "../_components/invites-admin";
import { ServersAdmin } from "../_components/servers-admin";
import { SignupSetting } from "../_components/signup-setting";
import { UsersAdmin } from "../_components/users-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const me = await requirePageAdmin("/admin");
  const { signup } = await readSettings(await getDb());
  return (
    <main id="main" className="page">
      <div className="page-header">
        <h1>Admin</h1>
        <p className="lede">Users, admins, who may sign up, running servers and the image catalog.</p>
      </div>
      <SignupSetting initial={signup} />
      <InvitesAdmin />
      <UsersAdmin me={me.name} />
      <ServersAdmin />
      <ImagesAdmin />
    </main>
  );
}
