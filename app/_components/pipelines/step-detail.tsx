import styles from "./pipelines.module.css";
import type { StepDefinition, StepInput } from "./types";

const inputText = (i: StepInput) => ("step" in i ? `${i.step} → ${i.output}` : `dataset ${i.dataset}${i.version ? ` v${i.version}` : " (latest)"}`);
const resourcesText = (r: StepDefinition["resources"]) =>
  [r.cpu ? `${r.cpu} CPU` : "", r.memory_mb ? `${r.memory_mb} MB` : "", r.gpus ? `${r.gpus} GPU` : ""].filter(Boolean).join(", ") || "defaults";

/** One step's definition: what it reads, makes, runs with, and its code. */
export function StepDetail({ step }: { step: StepDefinition }) {
  const rows: [string, string][] = [
    ["Image", step.image ?? "the default image"],
    ["Resources", resourcesText(step.resources)],
    ["Parameters", Object.entries(step.parameters).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ") || "none"],
    ["Inputs", Object.entries(step.inputs).map(([k, v]) => `${k} ← ${inputText(v)}`).join("; ") || "none"],
    ["Outputs", Object.entries(step.outputs).map(([k, v]) => `${k} (${v.kind})`).join(", ") || "none"],
    ["Runs after", step.after?.join(", ") || "nothing more"],
    ["Timeout", `${step.timeout_s} s`],
    ["Retries", String(step.retries)],
    ["Cached", step.cache ? "yes: an identical earlier run is reused" : "no"],
  ];
  return (
    <section className="card" aria-labelledby="step-heading" data-testid="step-detail">
      <h2 id="step-heading">Step {step.name}</h2>
      <dl className="props">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h3>Code</h3>
      <pre className={styles.code}><code>{step.code}</code></pre>
    </section>
  );
}
