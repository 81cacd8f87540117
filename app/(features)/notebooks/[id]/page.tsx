import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page-session";
import { NotebookEditor } from "../../../_components/notebook/notebook-editor";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Notebook" };

export default async function NotebookPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(`/notebooks/${encodeURIComponent(id)}`);
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) notFound();
  return (
    <main id="main" className="page page-wide">
      <NotebookEditor id={n} user={user.name} />
    </main>
  );
}
