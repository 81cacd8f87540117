import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { FileBrowser } from "../../_components/files/file-browser";
import { cleanPath } from "../../_components/files/paths";
import { SectionHeader } from "../../_components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Files" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function FilesPage({ searchParams }: { searchParams: Search }) {
  const user = await requirePageUser("/files");
  const { path } = await searchParams;
  return (
    <main id="main" className="page">
      <SectionHeader title="Files" path="/files" />
      {/* ?path= is the folder shown, relative to the server's working directory (the user's home). */}
      <FileBrowser user={user.name} path={cleanPath(path)} />
    </main>
  );
}
