import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { NotebookList } from "../../_components/notebook/list/notebook-list";
import { SectionHeader } from "../../_components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Notebooks" };

export default async function NotebooksPage() {
  await requirePageUser("/notebooks");
  return (
    <main id="main" className="page">
      <SectionHeader title="Notebooks" path="/notebooks" />
      <NotebookList />
    </main>
  );
}
