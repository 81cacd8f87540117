import type { PickedFile } from "./upload";

export interface Picked {
  files: PickedFile[];
  /** The folder they came in, when one folder was picked. */
  folder: string | null;
}

/** A single folder's own name is dropped from the paths: its contents are the dataset, as kiln.save_dataset does. */
function withoutCommonFolder(files: PickedFile[]): Picked {
  const firsts = new Set(files.map((f) => (f.path.includes("/") ? f.path.split("/")[0]! : null)));
  const [folder] = [...firsts];
  if (firsts.size !== 1 || !folder) return { files, folder: null };
  return { files: files.map((f) => ({ ...f, path: f.path.slice(folder.length + 1) })), folder };
}

function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries answers in batches (about 100 in Chromium) until it answers none.
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(all);
        all.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\/+/, "") });
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

/** Files (and whole folders, walked) from a drop. */
export async function filesFromDrop(data: DataTransfer): Promise<Picked> {
  const entries = [...data.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return { files: [...data.files].map((file) => ({ file, path: file.name })), folder: null };
  const out: PickedFile[] = [];
  for (const e of entries) await walk(e, out);
  return withoutCommonFolder(out);
}

/** Files from an <input type=file> (a folder picker gives webkitRelativePath). */
export function filesFromInput(list: FileList | null): Picked {
  const files = [...(list ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  return withoutCommonFolder(files);
}

/** A dataset name from what was picked: the folder's or the first file's name, made plain. */
export function suggestedName({ files, folder }: Picked): string {
  const first = folder ?? files[0]?.file.name.replace(/\.[^.]+$/, "") ?? "";
  return first.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 100);
}
