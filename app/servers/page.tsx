import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { MyServers } from "../_components/my-servers";
import { SectionHeader } from "../_components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Servers" };

export default async function ServersPage() {
  const user = await requirePageUser("/servers");
  return (
    <main id="main" className="page">
      <SectionHeader title="Servers" path="/servers" />
      <MyServers user={user.name} />
    </main>
  );
}
