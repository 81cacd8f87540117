import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { EndpointList } from "../../_components/endpoints/endpoint-list";
import { ModelList } from "../../_components/models/model-list";
import { SectionHeader } from "../../_components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const user = await requirePageUser("/models");
  return (
    <main id="main" className="page">
      <SectionHeader title="Models" path="/models" />
      <ModelList user={user.name} />
      <section className="card" aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        <EndpointList emptyText="No endpoints yet. Serve a model from its page." />
      </section>
    </main>
  );
}
