import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/auth/page-session";
import { getDb } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { readSettings } from "@/lib/settings";
import { HomesAdmin } from "../_components/admin/homes-admin";
import { GpuInventory } from "../_components/gpus/gpu-inventory";
import { GpuQuotas } from "../_components/gpus/gpu-quotas";
import { GpuUsage } from "../_components/gpus/gpu-usage";
import { IsolationInfo } from "../_components/admin/isolation-info";
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
        <p className="lede">Users, admins, who may sign up, running servers, GPUs (inventory, queue, quotas, usage), the image catalog, and how users are kept apart.</p>
      </div>
      <SignupSetting initial={signup} />
      <InvitesAdmin />
      <UsersAdmin me={me.name} graceDays={getConfig().servers.homeGraceDays} />
      <HomesAdmin />
      <ServersAdmin />
      <GpuInventory />
      <GpuQuotas />
      <GpuUsage />
      <ImagesAdmin />
      <IsolationInfo />
    </main>
  );
}
