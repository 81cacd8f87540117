import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { SectionHeader } from "../../_components/page-header";
import { NewSweepForm } from "../../_components/sweeps/new-sweep-form";
import { SweepList } from "../../_components/sweeps/sweep-list";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sweeps" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function SweepsPage({ searchParams }: { searchParams: Search }) {
  const user = await requirePageUser("/sweeps");
  const { notebook } = await searchParams;
  const n = Number(notebook);
  return (
    <main id="main" className="page">
      <SectionHeader title="Sweeps" path="/sweeps" />
      <SweepList user={user.name} />
      <NewSweepForm notebookId={Number.isSafeInteger(n) && n > 0 ? n : undefined} />
    </main>
  );
}
