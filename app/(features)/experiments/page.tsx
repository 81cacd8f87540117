import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { RunsPage } from "../../_components/runs/runs-page";
import { SectionHeader } from "../../_components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Experiments" };

type Search = Record<string, string | string[] | undefined>;

/** The query string as it came, handed to the table (it is the runs API's own query). */
function queryString(search: Search): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) for (const one of [v ?? []].flat()) q.append(k, one);
  return q.toString();
}

export default async function ExperimentsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  const query = queryString(search);
  await requirePageUser(`/experiments${query ? `?${query}` : ""}`);
  return (
    <main id="main" className="page page-wide">
      <SectionHeader title="Experiments" path="/experiments" />
      <RunsPage initialQuery={query} />
    </main>
  );
}
