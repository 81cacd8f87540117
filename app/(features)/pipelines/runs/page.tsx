import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/page-session";
import { AllPipelineRuns } from "../../../_components/pipelines/all-runs";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Pipeline runs" };

export default async function PipelineRunsPage() {
  const user = await requirePageUser("/pipelines/runs");
  return (
    <main id="main" className="page">
      <div className="page-header">
        <p className="muted"><Link href="/pipelines">Pipelines</Link></p>
        <h1>Pipeline runs</h1>
        <p className="lede">Every run of {user.admin ? "every user's" : "your"} pipelines, newest first: started by hand, by a schedule, or by a new dataset version.</p>
      </div>
      <AllPipelineRuns admin={user.admin} />
    </main>
  );
}
