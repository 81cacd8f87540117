"use client";

import type { AdminUser } from "./admin-types";
import { When } from "./when";

interface Props {
  users: AdminUser[] | null;
  me: string;
  busy: string | null;
  onAction: (u: AdminUser, action: "promote" | "demote" | "delete") => void;
}

export function UsersTable({ users, me, busy, onAction }: Props) {
  if (users === null) return <p className="muted">Loading users…</p>;
  if (users.length === 0) return <p className="muted">No users yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Users</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Display name</th>
            <th scope="col">Email</th>
            <th scope="col">Admin</th>
            <th scope="col">Groups</th>
            <th scope="col">Created</th>
            <th scope="col">Last activity</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
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
