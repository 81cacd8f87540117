import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { NotebookList } from "../../_components/notebook/list/notebook-list";
import { section } from "../../_components/sections";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Notebooks" };

export default async function NotebooksPage() {
  await requirePageUser("/notebooks");
  return (
    <main id="main" className="page">
      <div className="page-header">
        <h1>Notebooks</h1>
        <p className="lede">{section("/notebooks").summary}</p>
      </div>
      <NotebookList />
    </main>
  );
}
