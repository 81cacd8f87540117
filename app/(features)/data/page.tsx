import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { DatasetList } from "../../_components/datasets/dataset-list";
import { SectionHeader } from "../../_components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Data" };

export default async function DataPage() {
  const user = await requirePageUser("/data");
  return (
    <main id="main" className="page">
      <SectionHeader title="Data" path="/data" />
      <DatasetList user={user.name} />
    </main>
  );
}
