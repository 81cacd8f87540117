import Link from "next/link";

/** What the Files and Terminal pages show when the proxy has no server of the user's to reach. */
export function ServerNotRunning({ detail }: { detail?: string }) {
  return (
    <div className="card server-not-running">
      <div role="alert" className="alert alert-warning">
        <p>
          <strong>Your server is not running.</strong> {detail && !/no server running/i.test(detail) ? detail : null}
        </p>
      </div>
      <p>
        Files and terminals live on your own Jupyter server. <Link href="/servers">Start your server</Link> on the Servers page, then come back.
      </p>
    </div>
  );
}
