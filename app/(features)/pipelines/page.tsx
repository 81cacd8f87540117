import { ComingSoon, comingSoonMetadata } from "../../_components/coming-soon";

export const dynamic = "force-dynamic";
export const metadata = comingSoonMetadata("/pipelines");

export default function Page() {
  return <ComingSoon href="/pipelines" />;
}
