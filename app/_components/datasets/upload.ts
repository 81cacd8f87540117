import { api, type ApiError, type ApiResult } from "../api";
import { filePath, refSegment, type VersionModel } from "./types";

export interface PickedFile {
  file: File;
  /** Its path inside the version, '/'-separated. */
  path: string;
}

/** One raw PUT with XMLHttpRequest: fetch() cannot report upload progress. The File streams from disk. */
function put(url: string, file: File, onLoaded: (bytes: number) => void): Promise<ApiResult<unknown>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onLoaded(e.loaded);
    xhr.onload = () => {
      let body: { error?: Partial<ApiError> } | null = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ ok: true, data: body });
      const e = body?.error;
      resolve({ ok: false, error: { status: xhr.status, code: e?.code ?? "error", message: e?.message ?? `Upload failed (HTTP ${xhr.status})`, field: e?.field } });
    };
    xhr.onerror = () => resolve({ ok: false, error: { status: 0, code: "network", message: "Could not reach Kiln. Check your connection and try again." } });
    xhr.send(file);
  });
}

/**
 * A new version from files: open an upload, PUT each file (progress counts bytes sent over
 * all files, 0..1), commit. A failure part-way aborts the upload, so nothing half-made stays.
 */
export async function uploadVersion(
  owner: string,
  name: string,
  files: PickedFile[],
  opts: { message?: string; onProgress: (fraction: number) => void },
): Promise<ApiResult<VersionModel>> {
  const ref = refSegment(owner, name);
  const started = await api<{ upload_id: string }>(`/api/datasets/${ref}/uploads`, { method: "POST", body: opts.message ? { message: opts.message } : {} });
  if (!started.ok) return started;
  const upload = `/api/datasets/${ref}/uploads/${encodeURIComponent(started.data.upload_id)}`;
  const total = files.reduce((n, f) => n + f.file.size, 0) || 1;
  let done = 0;
  for (const f of files) {
    const r = await put(`${upload}/files/${filePath(f.path)}`, f.file, (loaded) => opts.onProgress(Math.min(1, (done + loaded) / total)));
    if (!r.ok) {
      void api(upload, { method: "DELETE" });
      return { ok: false, error: { ...r.error, message: `${f.path}: ${r.error.message}` } };
    }
    done += f.file.size;
    opts.onProgress(Math.min(1, done / total));
  }
  const committed = await api<VersionModel>(`${upload}/commit`, { method: "POST", body: {} });
  if (committed.ok) opts.onProgress(1);
  return committed;
}
