import { shapeText, type ModelVersion, type TensorSpec } from "./types";

function Tensors({ caption, items }: { caption: string; items: TensorSpec[] }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Type and shape</th></tr></thead>
      <tbody>
        {items.map((t) => (
          <tr key={t.name}><th scope="row" className="mono">{t.name}</th><td className="mono">{shapeText(t)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the latest version takes and gives, as onnxruntime read it from the file. */
export function ModelSignature({ version }: { version: ModelVersion }) {
  const s = version.signature;
  return (
    <section className="card" aria-labelledby="model-signature-heading">
      <h2 id="model-signature-heading">Signature of v{version.version}</h2>
      {s.columns ? <p>Takes raw columns (its preprocessing is inside the graph): {s.columns.map((c) => `${c.name} (${c.type})`).join(", ")}.</p> : null}
      {s.task ? <p>Task: {s.task}{s.classes ? `, classes ${s.classes.map(String).join(", ")}` : ""}.</p> : null}
      <div className="table-wrap" data-testid="model-signature">
        <Tensors caption="Inputs" items={s.inputs} />
        <Tensors caption="Outputs" items={s.outputs} />
      </div>
    </section>
  );
}
