import { failure, jupyterUrl, type JupyterResult, networkFailure, xsrfHeader } from "../jupyter/client";

// Raw bytes per PUT. Jupyter's LargeFileManager writes chunk 1 and appends the rest, so a
// large file never becomes one huge JSON body in the browser's memory or Jupyter's.
const CHUNK = 4 * 1024 * 1024;

/** The blob as base64, without the data: URL prefix (FileReader does this natively and fast). */
function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const url = String(r.result);
      resolve(url.slice(url.indexOf(",") + 1));
    };
    r.onerror = () => reject(r.error ?? new Error("could not read the file"));
    r.readAsDataURL(blob);
  });
}

/** One PUT with XMLHttpRequest: fetch() cannot report upload progress. */
function put(url: string, body: string, headers: Record<string, string>, onProgress: (fraction: number) => void): Promise<JupyterResult<unknown>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("content-type", "application/json");
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      resolve(xhr.status >= 200 && xhr.status < 300 ? { ok: true, data: parsed } : failure(xhr.status, parsed));
    };
    xhr.onerror = () => resolve(networkFailure);
    xhr.send(body);
  });
}

/** Uploads `file` to `path` on the user's server, base64 in PUTs; progress goes from 0 to 1. */
export async function uploadFile(user: string, path: string, file: File, onProgress: (fraction: number) => void): Promise<JupyterResult<unknown>> {
  const url = jupyterUrl(user, "api/contents", path);
  const headers = await xsrfHeader(user);
  const count = Math.max(1, Math.ceil(file.size / CHUNK));
  for (let i = 0; i < count; i++) {
    let content: string;
    try {
      content = await base64Of(file.slice(i * CHUNK, (i + 1) * CHUNK));
    } catch {
      return { ok: false, status: 0, notRunning: false, message: `Could not read ${file.name} (a folder cannot be uploaded).` };
    }
    // A single PUT needs no chunk number; otherwise 1, 2, … and -1 for the last.
    const chunk = count === 1 ? {} : { chunk: i === count - 1 ? -1 : i + 1 };
    const r = await put(url, JSON.stringify({ type: "file", format: "base64", content, ...chunk }), headers, (f) => onProgress((i + f) / count));
    if (!r.ok) return r;
  }
  onProgress(1);
  return { ok: true, data: null };
}
