import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page-session";
import { SweepView } from "../../../_components/sweeps/sweep-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sweep" };

export default async function SweepPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser(`/sweeps/${encodeURIComponent(id)}`);
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) notFound();
  return (
    <main id="main" className="page page-wide">
      <SweepView id={n} />
    </main>
  );
}
