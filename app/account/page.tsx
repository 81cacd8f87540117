import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/page-session";
import { formatDate } from "../_components/format";
import { MyGpuQuota } from "../_components/gpus/my-gpu-quota";
import { GpuUsage } from "../_components/gpus/gpu-usage";
import { SignOutEverywhere } from "../_components/sign-out-everywhere";
import { TokenManager } from "../_components/token-manager";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requirePageUser("/account");
  return (
    <main id="main" className="page">
      <div className="page-header">
        <h1>Your account</h1>
      </div>
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl className="props">
          <dt>User name</dt>
          <dd>{user.name}</dd>
          <dt>Display name</dt>
          <dd>{user.displayName || <span className="muted">Not set</span>}</dd>
          <dt>Email</dt>
          <dd>{user.email || <span className="muted">Not set</span>}</dd>
          <dt>Admin</dt>
          <dd>{user.admin ? <span className="badge badge-accent">Yes</span> : "No"}</dd>
          <dt>Created</dt>
          <dd>
            <time dateTime={user.createdAt.toISOString()}>{formatDate(user.createdAt)}</time>
          </dd>
        </dl>
      </section>
      <MyGpuQuota />
      <GpuUsage title="Your GPU usage" />
      <TokenManager userName={user.name} />
      <SignOutEverywhere userName={user.name} />
    </main>
  );
}
