"use client";

import { formatDate } from "./format";
import type { Token } from "./token-types";
import { When } from "./when";
import { TableHead } from "./table-head";

function expiry(t: Token) {
  if (!t.expires_at) return "Never";
  const text = formatDate(t.expires_at);
  return new Date(t.expires_at).getTime() <= Date.now() ? <span className="badge badge-danger">Expired {text}</span> : text;
}

function scopesOf(t: Token) {
  if (t.scopes.includes("inherit")) return <span className="muted">Everything you can do</span>;
  if (t.scopes.length === 0) return <span className="muted">Only who it belongs to</span>;
  return <span className="mono">{t.scopes.join(" ")}</span>;
}

export function TokenTable({ tokens, onRevoke }: { tokens: Token[] | null; onRevoke: (t: Token) => void }) {
  if (tokens === null) return <p className="muted">Loading tokens…</p>;
  if (tokens.length === 0) return <p className="muted empty-row">You have no API tokens yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <TableHead caption="Your API tokens" columns={["ID", "Note", "Scopes", "Prefix", "Created", "Expires", "Last used"]} />
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <th scope="row" className="mono">{t.id}</th>
              <td>{t.note || <span className="muted">No note</span>}</td>
              <td>{scopesOf(t)}</td>
              <td className="mono">{t.prefix}…</td>
              <td className="nowrap"><When iso={t.created} /></td>
              <td className="nowrap">{expiry(t)}</td>
              <td className="nowrap"><When iso={t.last_activity} style="ago" empty="Never" /></td>
              <td className="actions">
                <button type="button" className="btn btn-danger btn-small" aria-label={`Revoke token ${t.id}`} onClick={() => onRevoke(t)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
