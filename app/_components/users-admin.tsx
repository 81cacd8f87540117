"use client";

import { useCallback, useEffect, useState } from "react";
import { AddUserForm } from "./add-user-form";
import { DeleteUserDialog, type HomeFate } from "./admin/delete-user-dialog";
import type { AdminUser, UserAction } from "./admin-types";
import { api, userPath } from "./api";
import { UsersTable } from "./users-table";

/** The users list with its per-row actions and the "Add user" form. */
export function UsersAdmin({ me, graceDays }: { me: string; graceDays: number }) {
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<AdminUser | null>(null);

  const refresh = useCallback(async () => {
    const res = await api<AdminUser[]>("/hub/api/users?limit=1000");
    if (res.ok) setUsers(res.data);
    else setError(res.error.message);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function act(u: AdminUser, action: UserAction, fate: HomeFate = "delete") {
    const self = u.name === me;
    if (action === "delete" && deleting?.name !== u.name) return setDeleting(u); // asks what becomes of their files first
    setDeleting(null);
    if (action === "demote" && self && !window.confirm("Remove your own admin rights? You will lose access to this page.")) return;
    if (action === "sign-out" && !window.confirm(`End every browser session of ${u.name}${self ? " (yours too)" : ""}? Their API tokens keep working.`)) return;
    setBusy(u.name);
    setError("");
    setNotice("");
    const res =
      action === "delete"
        ? await api(`${userPath(u.name)}?home=${fate}`, { method: "DELETE" })
        : action === "sign-out"
          ? await api<{ sessions_ended: number }>(`${userPath(u.name)}/sessions`, { method: "DELETE" })
          : await api(userPath(u.name), { method: "PATCH", body: { admin: action === "promote" } });
    setBusy(null);
    if (!res.ok) return setError(res.error.message);
    if (self && action !== "promote") return window.location.assign(action === "demote" ? "/" : "/signin");
    setNotice(noticeFor(u.name, action, res.data));
    await refresh();
  }

  return (
    <section className="card" aria-labelledby="users-heading">
      <div className="section-head">
        <h2 id="users-heading">Users</h2>
        {users ? <span className="muted">{users.length} {users.length === 1 ? "user" : "users"}</span> : null}
      </div>
      {error ? (
        <div role="alert" className="alert alert-error">
          {error}
        </div>
      ) : null}
      <p aria-live="polite" className={notice ? "alert alert-success" : "visually-hidden"}>
        {notice}
      </p>
      {deleting ? (
        <DeleteUserDialog
          name={deleting.name} self={deleting.name === me} graceDays={graceDays} busy={busy === deleting.name}
          onConfirm={(fate) => void act(deleting, "delete", fate)} onCancel={() => setDeleting(null)}
        />
      ) : null}
      <UsersTable users={users} me={me} busy={busy} onAction={act} />
      <AddUserForm
        onCreated={(name) => {
          setError("");
          setNotice(`Added ${name}.`);
          void refresh();
        }}
      />
    </section>
  );
}

function noticeFor(name: string, action: UserAction, data: unknown): string {
  if (action === "delete") return `Deleted ${name}. Their files are listed under Deleted users' files.`;
  if (action === "sign-out") {
    const n = (data as { sessions_ended?: number } | undefined)?.sessions_ended ?? 0;
    return `Signed ${name} out everywhere (${n} ${n === 1 ? "session" : "sessions"} ended).`;
  }
  return `${name} is ${action === "promote" ? "now an admin" : "no longer an admin"}.`;
}
