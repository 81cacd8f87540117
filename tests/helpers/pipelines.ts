import { expect } from "vitest";
import { call } from "./http";

/** Saves `files` as the next version of dataset `ref` through the upload API; answers the commit. */
export async function commitVersion(base: string, token: string, ref: string, files: Record<string, string>, checks?: object) {
  const started = await call(base, "POST", `/api/datasets/${ref}/uploads`, { token, body: checks ? { checks } : {} });
  expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
  const id = started.body.upload_id;
  for (const [path, text] of Object.entries(files)) {
    const put = await fetch(`${base}/api/datasets/${ref}/uploads/${id}/files/${path}`, { method: "PUT", headers: { authorization: `token ${token}` }, body: text });
    expect(put.status).toBeLessThan(300);
  }
  const done = await call(base, "POST", `/api/datasets/${ref}/uploads/${id}/commit`, { token, body: {} });
  expect(done.status, JSON.stringify(done.body)).toBeLessThan(300);
  return done.body;
}

/** Polls a pipeline run until `until` holds (a state, never a duration); answers the run. */
export async function waitForRun(base: string, token: string, id: number, until: (r: any) => boolean = (r) => !["queued", "running"].includes(r.status), timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    const r = await call(base, "GET", `/api/pipeline-runs/${id}`, { token });
    expect(r.status).toBe(200);
    last = r.body;
    if (until(last)) return last;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`pipeline run ${id} did not reach the state in time: ${JSON.stringify(last)}`);
}

/** A step's whole log so far. */
export async function stepLog(base: string, token: string, id: number, step: string): Promise<string> {
  let after = 0;
  let text = "";
  for (;;) {
    const r = await call(base, "GET", `/api/pipeline-runs/${id}/steps/${step}/log?after=${after}`, { token });
    expect(r.status).toBe(200);
    text += r.body.chunks.map((c: { data: string }) => c.data).join("");
    if (r.body.chunks.length < 500) return text;
    after = r.body.next;
  }
}

/** clean -> features -> train over a CSV with x, y and some empty rows: real pandas and scikit-learn in each step's container. */
export function chain(raw: string) {
  return {
    description: "raw data to a model",
    steps: [
      {
        name: "clean",
        code: [
          "import os, pandas as pd",
          'df = pd.read_csv(os.path.join(kiln.input("raw"), "data.csv"))',
          "clean = df.dropna()",
          'os.makedirs("/tmp/out", exist_ok=True)',
          'clean.to_csv("/tmp/out/data.csv", index=False)',
          'print(f"kept {len(clean)} of {len(df)} rows")',
          'kiln.output("clean", "/tmp/out")',
        ].join("\n"),
        inputs: { raw: { dataset: raw } },
        outputs: { clean: { kind: "dataset" } },
      },
      {
        name: "features",
        code: [
          "import os, pandas as pd",
          'df = pd.read_csv(os.path.join(kiln.input("clean"), "data.csv"))',
          'df["x2"] = df.x ** 2 * scale',
          'os.makedirs("/tmp/out", exist_ok=True)',
          'df.to_csv("/tmp/out/data.csv", index=False)',
          'kiln.output("features", "/tmp/out")',
        ].join("\n"),
        parameters: { scale: 1 },
        inputs: { clean: { step: "clean", output: "clean" } },
        outputs: { features: { kind: "dataset" } },
      },
      {
        name: "train",
        code: [
          "import os, pandas as pd",
          "from sklearn.linear_model import LinearRegression",
          'df = pd.read_csv(os.path.join(kiln.input("features"), "data.csv"))',
          'model = LinearRegression().fit(df[["x", "x2"]].astype("float32"), df.y)',
          'kiln.log_metric("r2", model.score(df[["x", "x2"]].astype("float32"), df.y))',
          'kiln.output("model", model)',
        ].join("\n"),
        inputs: { features: { step: "features", output: "features" } },
        outputs: { model: { kind: "model" } },
      },
    ],
  };
}

export const RAW_CSV = "x,y\n1,2\n2,4\n,5\n3,6\n4,8\n5,\n6,12\n";
