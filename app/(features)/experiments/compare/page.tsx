import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/page-session";
import { CompareView } from "../../../_components/runs/compare-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare runs" };

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string | string[] }> }) {
  const raw = (await searchParams).ids;
  const ids = [raw ?? ""].flat().join(",");
  await requirePageUser(`/experiments/compare?ids=${encodeURIComponent(ids)}`);
  return (
    <main id="main" className="page page-wide">
      <div className="page-header">
        <p><Link href="/experiments">← Experiments</Link></p>
        <h1>Compare runs</h1>
      </div>
      <CompareView ids={ids} />
    </main>
  );
}
