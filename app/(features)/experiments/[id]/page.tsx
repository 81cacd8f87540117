import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page-session";
import { RunView } from "../../../_components/runs/run-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(`/experiments/${encodeURIComponent(id)}`);
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0) notFound();
  return (
    <main id="main" className="page page-wide">
      <RunView id={n} viewer={{ name: user.name, admin: user.admin }} />
    </main>
  );
}
