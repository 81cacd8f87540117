import { AnsiPre } from "./ansi-pre";
import type { ErrorOutput as ErrorData } from "./types";

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");

/** A traceback with its ANSI colours, and the exception's name (in red) and message below it. */
export function ErrorOutput({ output }: { output: ErrorData }) {
  const lines = [...(output.traceback ?? [])];
  // IPython's traceback ends with "Name: message": shown once, in the summary line.
  const last = lines.length ? stripAnsi(lines[lines.length - 1]!).trim() : "";
  if (last === `${output.ename}: ${output.evalue}`.trim() || last === output.ename) lines.pop();
  return (
    <div className="nb-output nb-error" role="group" aria-label={`Error: ${output.ename}`}>
      {lines.length ? <AnsiPre text={lines.join("\n")} /> : null}
      <p className="nb-error-summary">
        <span className="nb-ename">{output.ename}</span>
        {output.evalue ? `: ${output.evalue}` : null}
      </p>
    </div>
  );
}
