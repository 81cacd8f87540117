import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { SectionHeader } from "../../_components/page-header";
import { PipelineList } from "../../_components/pipelines/pipeline-list";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Pipelines" };

export default async function PipelinesPage() {
  const user = await requirePageUser("/pipelines");
  return (
    <main id="main" className="page">
      <SectionHeader title="Pipelines" path="/pipelines" />
      <PipelineList user={user.name} />
    </main>
  );
}
