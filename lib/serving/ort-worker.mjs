// The model runtime's own thread. onnxruntime-node runs a session on the thread that calls
// it (inside a setImmediate): on Kiln's event loop, every model run would hold up HTTP and
// the notebook channels. Here it holds up only other model runs. Plain JavaScript, so the
// worker starts the same under tsx and under plain node.
import { parentPort } from "node:worker_threads";
import ort from "onnxruntime-node";

const sessions = new Map();

async function handle(m) {
  if (m.op === "load") {
    if (!sessions.has(m.id)) sessions.set(m.id, await ort.InferenceSession.create(m.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 }));
    return {};
  }
  if (m.op === "release") {
    const s = sessions.get(m.id);
    sessions.delete(m.id);
    if (s) await s.release();
    return {};
  }
  if (m.op === "run") {
    const s = sessions.get(m.id);
    if (!s) throw new Error(`model version ${m.id} is not loaded`);
    const feeds = {};
    for (const [name, t] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const out = await s.run(feeds);
    const outputs = {};
    // copied (not transferred): onnxruntime's buffers may not be ours to detach
    for (const [name, t] of Object.entries(out)) outputs[name] = { type: t.type, data: t.type === "string" ? Array.from(t.data) : t.data.slice(), dims: Array.from(t.dims) };
    return { outputs };
  }
  throw new Error(`unknown op ${m.op}`);
}

parentPort.on("message", (m) => {
  handle(m).then(
    (answer) => parentPort.postMessage({ seq: m.seq, ok: true, ...answer }),
    (e) => parentPort.postMessage({ seq: m.seq, ok: false, error: String(e?.message ?? e).split("\n")[0] }),
  );
});
