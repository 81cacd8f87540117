import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page-session";
import { VersionView } from "../../../../../../_components/datasets/version-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dataset version" };

export default async function DatasetVersionPage({ params }: { params: Promise<{ owner: string; name: string; version: string }> }) {
  const { owner, name, version } = await params;
  const o = decodeURIComponent(owner);
  const n = decodeURIComponent(name);
  await requirePageUser(`/data/${encodeURIComponent(o)}/${encodeURIComponent(n)}/versions/${encodeURIComponent(version)}`);
  const v = Number(version);
  if (!Number.isSafeInteger(v) || v <= 0) notFound();
  return (
    <main id="main" className="page">
      <VersionView owner={o} name={n} version={v} />
    </main>
  );
}
