import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page-session";
import { ModelView } from "../../../_components/models/model-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Model" };

export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(`/models/${encodeURIComponent(id)}`);
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) notFound();
  return (
    <main id="main" className="page page-wide">
      <ModelView id={n} viewer={{ name: user.name, admin: user.admin }} />
    </main>
  );
}
