import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { MyServers } from "../_components/my-servers";
import { section } from "../_components/sections";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Servers" };

export default async function ServersPage() {
  const user = await requirePageUser("/servers");
  return (
    <main id="main" className="page">
      <div className="page-header">
        <h1>Servers</h1>
        <p className="lede">{section("/servers").summary}</p>
      </div>
      <MyServers user={user.name} />
    </main>
  );
}
