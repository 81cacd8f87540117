"use client";

import type { AdminUser, UserAction } from "./admin-types";
import { When } from "./when";
import { TableHead } from "./table-head";

interface Props {
  users: AdminUser[] | null;
  me: string;
  busy: string | null;
  onAction: (u: AdminUser, action: UserAction) => void;
}

export function UsersTable({ users, me, busy, onAction }: Props) {
  if (users === null) return <p className="muted">Loading users…</p>;
  if (users.length === 0) return <p className="muted">No users yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <TableHead caption="Users" columns={["Name", "Display name", "Email", "Admin", "Groups", "Created", "Last activity"]} />
        <tbody>
          {users.map((u) => (
            <tr key={u.name}>
              <th scope="row">
                {u.name}
                {u.name === me ? <span className="badge badge-neutral">you</span> : null}
              </th>
              <td>{u.display_name || <span className="muted">—</span>}</td>
              <td>{u.email || <span className="muted">—</span>}</td>
              <td>{u.admin ? <span className="badge badge-accent">Admin</span> : "No"}</td>
              <td>{u.groups.length ? u.groups.join(", ") : <span className="muted">—</span>}</td>
              <td className="nowrap"><When iso={u.created} style="day" /></td>
              <td className="nowrap"><When iso={u.last_activity} style="ago" empty="Never" /></td>
              <td className="actions">
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  disabled={busy === u.name}
                  aria-label={`${u.admin ? "Remove admin from" : "Make admin"} ${u.name}`}
                  onClick={() => onAction(u, u.admin ? "demote" : "promote")}
                >
                  {u.admin ? "Remove admin" : "Make admin"}
                </button>
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  disabled={busy === u.name}
                  aria-label={`Sign ${u.name} out everywhere`}
                  onClick={() => onAction(u, "sign-out")}
                >
                  Sign out everywhere
                </button>
                <button
                  type="button"
                  className="btn btn-danger btn-small"
                  disabled={busy === u.name}
                  aria-label={`Delete ${u.name}`}
                  onClick={() => onAction(u, "delete")}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
