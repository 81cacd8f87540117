import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { DatasetList } from "../../_components/datasets/dataset-list";
import { section } from "../../_components/sections";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Data" };

export default async function DataPage() {
  const user = await requirePageUser("/data");
  return (
    <main id="main" className="page">
      <div className="page-header">
        <h1>Data</h1>
        <p className="lede">{section("/data").summary}</p>
      </div>
      <DatasetList user={user.name} />
    </main>
  );
}
