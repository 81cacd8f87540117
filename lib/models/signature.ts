import * as ort from "onnxruntime-node";
import type { ModelSignature, TensorSpec } from "../db/schema";
import { ValidationError } from "../errors";
import { onnxMetadataProps } from "./onnx-props";

type Meta = { name: string; isTensor: boolean; type?: string; shape?: (number | string)[] };

const spec = (m: Meta): TensorSpec => ({
  name: m.name,
  type: m.isTensor ? (m.type ?? "unknown") : "non-tensor",
  shape: (m.shape ?? []).map((d) => (typeof d === "number" && d >= 0 ? d : typeof d === "string" && d !== "" ? d : null)),
});

function parseJson<T>(text: string | undefined, check: (v: unknown) => v is T): T | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return check(v) ? v : null;
  } catch {
    return null;
  }
}

const isColumns = (v: unknown): v is { name: string; type: "number" | "string" }[] =>
  Array.isArray(v) && v.every((c) => c && typeof c.name === "string" && (c.type === "number" || c.type === "string"));

/**
 * What a model takes and gives, read from the ONNX file itself by onnxruntime (the same
 * runtime that will serve it: a file it cannot load is refused here, at registration, not at
 * the first request). kiln.prep's raw columns and the task come from the file's metadata.
 */
export async function readSignature(bytes: Uint8Array): Promise<ModelSignature> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: "disabled" });
  } catch (e) {
    throw new ValidationError(`model: onnxruntime cannot load this file as ONNX: ${(e as Error).message.split("\n")[0]}`, "model");
  }
  try {
    const s = session as unknown as { inputMetadata: Meta[]; outputMetadata: Meta[] };
    let props: Record<string, string> = {};
    try {
      props = onnxMetadataProps(bytes);
    } catch {
      /* onnxruntime read it: metadata we cannot read is only missing metadata */
    }
    const task = props["kiln.task"] === "classification" || props["kiln.task"] === "regression" ? props["kiln.task"] : null;
    return {
      inputs: s.inputMetadata.map(spec),
      outputs: s.outputMetadata.map(spec),
      columns: parseJson(props["kiln.columns"], isColumns),
      task,
      classes: parseJson(props["kiln.classes"], Array.isArray),
    };
  } finally {
    await session.release();
  }
}
