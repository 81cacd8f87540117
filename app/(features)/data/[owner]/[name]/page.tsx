import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { DatasetView } from "../../../../_components/datasets/dataset-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dataset" };

export default async function DatasetPage({ params }: { params: Promise<{ owner: string; name: string }> }) {
  const { owner, name } = await params;
  const o = decodeURIComponent(owner);
  const n = decodeURIComponent(name);
  const user = await requirePageUser(`/data/${encodeURIComponent(o)}/${encodeURIComponent(n)}`);
  return (
    <main id="main" className="page page-wide">
      <DatasetView owner={o} name={n} user={{ name: user.name, admin: user.admin }} />
    </main>
  );
}
