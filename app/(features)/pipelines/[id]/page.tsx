import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page-session";
import { PipelineView } from "../../../_components/pipelines/pipeline-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Pipeline" };

export default async function PipelinePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ version?: string }> }) {
  const { id } = await params;
  const { version } = await searchParams;
  await requirePageUser(`/pipelines/${encodeURIComponent(id)}`);
  const n = Number(id);
  const v = version === undefined ? null : Number(version);
  if (!Number.isSafeInteger(n) || n <= 0 || (v !== null && (!Number.isSafeInteger(v) || v <= 0))) notFound();
  return (
    <main id="main" className="page page-wide">
      <PipelineView id={n} version={v} />
    </main>
  );
}
