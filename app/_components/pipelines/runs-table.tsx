import Link from "next/link";
import { TableHead } from "../table-head";
import { When } from "../when";
import { durationText, RunStatusBadge, triggerText } from "./run-status";
import { runPage, type PipelineRunSummary } from "./run-types";
import { pipelinePage } from "./types";

/** Pipeline runs, newest first: one pipeline's (on its page), or every run the user may see (with the pipeline, and for an admin its owner). */
export function RunsTable({ runs, caption, showPipeline = false, showOwner = false, action }: {
  runs: PipelineRunSummary[];
  caption: string;
  showPipeline?: boolean;
  showOwner?: boolean;
  action?: (r: PipelineRunSummary) => React.ReactNode;
}) {
  const columns = ["Run", ...(showPipeline ? ["Pipeline"] : []), ...(showOwner ? ["Owner"] : []), "Status", "Trigger", "Version", "Started", "Duration"];
  return (
    <div className="table-wrap">
      <table>
        <TableHead caption={caption} columns={columns} />
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-testid="pipeline-run-row" data-run-id={r.id}>
              <th scope="row"><Link href={runPage(r.id)}>Run {r.id}</Link></th>
              {showPipeline ? <td><Link href={pipelinePage(r.pipeline_id)}>{r.pipeline}</Link></td> : null}
              {showOwner ? <td>{r.owner}</td> : null}
              <td><RunStatusBadge status={r.status} /></td>
              <td>{triggerText(r.trigger)}</td>
              <td>v{r.version}</td>
              <td className="nowrap"><When iso={r.created_at} /></td>
              <td className="nowrap">{durationText(r.duration_ms)}</td>
              <td className="actions">{action?.(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
