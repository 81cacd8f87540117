import Link from "next/link";
import { TableHead } from "../table-head";
import { When } from "../when";
import { CheckBadge } from "./check-badge";
import { datasetPage, formatBytes, type VersionSummary } from "./types";

/** Every version, newest first, with its data-checks outcome. */
export function VersionsTable({ owner, name, versions }: { owner: string; name: string; versions: VersionSummary[] }) {
  if (versions.length === 0) return <p className="muted">No version yet. Upload files to make version 1.</p>;
  return (
    <div className="table-wrap">
      <table>
        <TableHead caption={`Versions of ${name}`} columns={["Version", "Checks", "Files", "Size", "Message", "Created"]} />
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-testid="version-row">
              <th scope="row">
                <Link href={`${datasetPage(owner, name)}/versions/${v.version}`}>v{v.version}</Link>
              </th>
              <td><CheckBadge status={v.checks_status} /></td>
              <td>{v.files}</td>
              <td className="nowrap">{formatBytes(v.size)}</td>
              <td>{v.message || <span className="muted">—</span>}</td>
              <td className="nowrap">
                <When iso={v.created_at} /> {v.created_by ? <span className="muted">by {v.created_by}</span> : null}
                {v.produced_by_run_id ? <span className="muted"> · run {v.produced_by_run_id}</span> : null}
              </td>
              <td className="actions" />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
