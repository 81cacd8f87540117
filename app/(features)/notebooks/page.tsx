import { ComingSoon, comingSoonMetadata } from "../../_components/coming-soon";

export const dynamic = "force-dynamic";
export const metadata = comingSoonMetadata("/notebooks");

export default function Page() {
  return <ComingSoon href="/notebooks" />;
}
