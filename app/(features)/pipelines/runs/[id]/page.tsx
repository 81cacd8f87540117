import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page-session";
import { PipelineRunView } from "../../../../_components/pipelines/run-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Pipeline run" };

export default async function PipelineRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser(`/pipelines/runs/${encodeURIComponent(id)}`);
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) notFound();
  return (
    <main id="main" className="page page-wide">
      <PipelineRunView id={n} />
    </main>
  );
}
