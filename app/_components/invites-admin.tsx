"use client";

import { useState } from "react";
import { api } from "./api";
import { TableHead } from "./table-head";
import { useApiList } from "./use-api-list";
import { When } from "./when";

interface Invite {
  id: number;
  email: string | null;
  note: string;
  status: "pending" | "used" | "expired";
  created: string;
  expires_at: string;
}

/** Invitations: the way in while sign-up is closed. The link is shown once, like a token. */
export function InvitesAdmin() {
  const { items: invites, error, setError, refresh: load } = useApiList<Invite>("/api/invites");
  const [link, setLink] = useState("");
  const [busy, setBusy] = useState(false);

  async function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const email = String(f.get("email") ?? "").trim();
    setBusy(true);
    setError("");
    const res = await api<{ url: string }>("/api/invites", { method: "POST", body: { note: String(f.get("note") ?? ""), ...(email ? { email } : {}) } });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setLink(res.data.url);
    form.reset();
    await load();
  }

  async function withdraw(id: number) {
    if (!window.confirm(`Withdraw invitation ${id}? Its link stops working.`)) return;
    const res = await api(`/api/invites/${id}`, { method: "DELETE" });
    if (!res.ok) setError(res.error.message);
    await load();
  }

  return (
    <section className="card" aria-labelledby="invites-heading">
      <h2 id="invites-heading">Invitations</h2>
      <p className="muted">An invitation link lets one person sign up, even while sign-up is closed. Kiln sends no email: send the link yourself.</p>
      {error ? <div role="alert" className="alert alert-error">{error}</div> : null}
      {link ? (
        <div className="alert alert-success" role="status">
          <p><strong>Invitation created.</strong> Copy the link now: it will not be shown again.</p>
          <div className="copy-row">
            <label htmlFor="invite-link" className="visually-hidden">Invitation link</label>
            <input id="invite-link" readOnly value={link} className="mono" onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="btn btn-secondary" onClick={() => setLink("")}>Done</button>
          </div>
        </div>
      ) : null}
      <form className="form form-inline" onSubmit={create} aria-label="Create an invitation">
        <div className="field">
          <label htmlFor="invite-email">Invitee email (optional)</label>
          <input id="invite-email" name="email" type="email" autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="invite-note">Invitation note</label>
          <input id="invite-note" name="note" maxLength={1000} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>Create invitation</button>
      </form>
      {invites && invites.length > 0 ? (
        <div className="table-wrap">
        <table>
          <TableHead caption="Invitations" columns={["ID", "For", "Note", "Status", "Expires"]} />
          <tbody>
            {invites.map((i) => (
              <tr key={i.id}>
                <td>{i.id}</td>
                <td>{i.email ?? "anyone"}</td>
                <td>{i.note}</td>
                <td><span className={`badge ${i.status === "pending" ? "badge-success" : "badge-neutral"}`}>{i.status}</span></td>
                <td><When iso={i.expires_at} /></td>
                <td>
                  {i.status === "pending" ? (
                    <button type="button" className="btn btn-danger btn-small" onClick={() => withdraw(i.id)} aria-label={`Withdraw invitation ${i.id}`}>Withdraw</button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      ) : null}
    </section>
  );
}
