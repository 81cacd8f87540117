import type { Output } from "./events";
import type { JupyterMessage } from "./kernel/messages";

/** iopub content -> the nbformat output it is stored as (header fields dropped, as nbformat does). */
export function toOutput(msg: JupyterMessage): Output | null {
  const c = msg.content;
  switch (msg.header.msg_type) {
    case "stream":
      return { output_type: "stream", name: c.name === "stderr" ? "stderr" : "stdout", text: String(c.text ?? "") };
    case "display_data":
      return { output_type: "display_data", data: c.data ?? {}, metadata: c.metadata ?? {}, ...(c.transient ? { transient: c.transient } : {}) };
    case "execute_result":
      return { output_type: "execute_result", data: c.data ?? {}, metadata: c.metadata ?? {}, execution_count: c.execution_count ?? null };
    case "error":
      return { output_type: "error", ename: String(c.ename ?? ""), evalue: String(c.evalue ?? ""), traceback: (c.traceback as string[]) ?? [] };
    default:
      return null;
  }
}

/** Appends an output the way nbformat stores them: a stream continues the previous one of the same name. */
export function appendOutput(outputs: Output[], o: Output) {
  const last = outputs.at(-1);
  if (o.output_type === "stream" && last?.output_type === "stream" && last.name === o.name) {
    outputs[outputs.length - 1] = { ...last, text: String(last.text) + String(o.text) };
  } else outputs.push(o);
}

/** nbformat files carry no `transient`: it is display routing only. */
export function storable(outputs: Output[]): Output[] {
  return outputs.map(({ transient: _t, ...rest }) => rest as Output);
}
