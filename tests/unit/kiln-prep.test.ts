import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, expect, test } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-prep-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** python3 in a Kiln image, without network, the source mounted read-only, `out` at /out. */
function python(image: string, args: string[], out?: string) {
  const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`; // so the test can delete /out
  const r = spawnSync("docker", [
    "run", "--rm", "--network", "none", "--user", user, "-v", `${ROOT}:/src:ro`,
    ...(out ? ["-v", `${out}:/out`] : []), "-w", "/src", "-e", "PYTHONDONTWRITEBYTECODE=1",
    "-e", "PYTHONPATH=/src/kernels/common:/src/kernels/common/tests_prep", image, "python3", ...args,
  ], { encoding: "utf8", timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

type Rows = Record<string, (number | null | string)[]>;
type Column = { name: string; type: "number" | "string" };

/** Feeds the raw columns, one [N,1] input each, as the graph's metadata lists them. */
async function run(file: string, metadata: Record<string, string>, rows: Rows) {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const columns = JSON.parse(metadata["kiln.columns"] ?? "null") as Column[];
  expect(session.inputNames).toEqual(columns.map((c) => c.name));
  const feeds: Record<string, ort.Tensor> = {};
  for (const { name, type } of columns) {
    const values = rows[name] ?? [];
    feeds[name] = type === "number"
      ? new ort.Tensor("float32", Float32Array.from(values as (number | null)[], (v) => (v === null ? NaN : v)), [values.length, 1])
      : new ort.Tensor("string", values as string[], [values.length, 1]);
  }
  const out = await session.run(feeds);
  return (name: string) => {
    const tensor = out[name];
    if (!tensor) throw new Error(`${file} has no output ${name}: ${Object.keys(out)}`);
    return tensor;
  };
}

/** Largest |expected - actual| over a row-major [N,K] (or [N]) result; also checks the size. */
function maxDiff(expected: number[] | number[][], actual: ort.Tensor) {
  const flat = (expected as (number | number[])[]).flat();
  expect(actual.data.length).toBe(flat.length);
  return Math.max(...flat.map((v, i) => Math.abs(v - Number(actual.data[i]))));
}

/** The largest difference beyond float32 rounding of the output: (|d| - |x| 2^-23), >0 fails. */
function beyondFloat32(expected: number[] | number[][], actual: ort.Tensor) {
  const flat = (expected as (number | number[])[]).flat();
  return Math.max(...flat.map((v, i) => Math.abs(v - Number(actual.data[i])) - Math.abs(v) * 2 ** -23 - 1e-12));
}

test("kiln.prep's unit tests pass against scikit-learn in kiln/python", () => {
  const r = python("kiln/python:latest", ["-m", "unittest", "discover", "-s", "kernels/common/tests_prep", "-v"]);
  expect(r.status, r.stderr.slice(-4000)).toBe(0);
  expect(Number(/Ran (\d+) tests?/.exec(r.stderr)?.[1] ?? 0)).toBeGreaterThanOrEqual(15);
  expect(r.stderr).toMatch(/\nOK\b/);
}, 60_000);

test("prep + scikit-learn models compiled to ONNX predict as the notebook does", async () => {
  const out = fs.mkdtempSync(path.join(work, "sklearn-"));
  const r = python("kiln/python:latest", ["kernels/common/tests_prep/make_models.py", "/out"], out);
  expect(r.status, r.stderr.slice(-4000)).toBe(0);
  const cases = JSON.parse(fs.readFileSync(path.join(out, "cases.json"), "utf8"));
  const kinds = Object.keys(cases.models);
  expect(kinds.length).toBe(13);
  expect(cases.rows.city).toContain("atlantis"); // unseen at fit
  expect(cases.rows.age).toContain(null);
  for (const name of kinds) {
    const c = cases.models[name];
    const got = await run(path.join(out, `${name}.onnx`), c.metadata, c.rows ?? cases.rows);
    if (c.probabilities) {
      expect(c.metadata["kiln.task"]).toBe("classification");
      const classes = JSON.parse(c.metadata["kiln.classes"]);
      const probabilities = got("probabilities"), label = got("label");
      expect(probabilities.dims).toEqual([c.label.length, classes.length]);
      expect(label.type).toBe("int64");
      const labels = Array.from(label.data as BigInt64Array, Number);
      const diff = maxDiff(c.probabilities, probabilities);
      console.log(`${name}: max |Δp| ${diff.toExponential(2)} (vs float32-rounded rows ${maxDiff(c.probabilities32, probabilities).toExponential(2)}), labels ${labels.length}`);
      expect(diff, name).toBeLessThan(1e-5);
      expect(labels, name).toEqual(c.label);
      expect(labels, name).toEqual(c.label32);
      expect(beyondFloat32(c.probabilities32, probabilities), name).toBeLessThanOrEqual(0);
    } else {
      expect(c.metadata["kiln.task"]).toBe("regression");
      const prediction = got("prediction");
      expect(prediction.dims).toEqual([c.prediction.length]);
      const diff = maxDiff(c.prediction, prediction);
      console.log(`${name}: max |Δy| ${diff.toExponential(2)} (vs float32-rounded rows ${maxDiff(c.prediction32, prediction).toExponential(2)})`);
      expect(diff, name).toBeLessThan(1e-5);
      expect(beyondFloat32(c.prediction32, prediction), name).toBeLessThanOrEqual(0);
    }
  }
}, 60_000);

test("a PyTorch MLP from torch.onnx.export, joined behind a prep, predicts as torch does", async () => {
  const out = fs.mkdtempSync(path.join(work, "torch-"));
  const r = python("kiln/pytorch:latest", ["kernels/common/tests_prep/make_torch_model.py", "/out"], out);
  expect(r.status, r.stderr.slice(-4000)).toBe(0);
  const c = JSON.parse(fs.readFileSync(path.join(out, "cases_torch.json"), "utf8"));
  const got = await run(path.join(out, "torch_mlp.onnx"), c.metadata, c.rows);
  const scores = got("scores");
  expect(scores.dims).toEqual([c.scores.length, 3]);
  const diff = maxDiff(c.scores, scores);
  console.log(`torch_mlp: max |Δscore| ${diff.toExponential(2)} (vs float32-rounded rows ${maxDiff(c.scores32, scores).toExponential(2)})`);
  expect(diff).toBeLessThan(1e-5);
}, 60_000);
