import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page-session";
import { EndpointView } from "../../../../_components/endpoints/endpoint-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Endpoint" };

export default async function EndpointPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const decoded = decodeURIComponent(name);
  await requirePageUser(`/models/endpoints/${encodeURIComponent(decoded)}`);
  // the API's rule for names (lib/serving/manage.ts ENDPOINT_NAME): anything else is no endpoint
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(decoded)) notFound();
  return (
    <main id="main" className="page page-wide">
      <EndpointView name={decoded} />
    </main>
  );
}
