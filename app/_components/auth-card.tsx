/** The centred card that sign-in, sign-up and the not-found page sit in. */
export function AuthCard({ children, className }: { children: React.ReactNode; className?: string }) {
  return (
    <main id="main" className="auth-page">
      <div className={`card auth-card${className ? ` ${className}` : ""}`}>
        <p className="auth-brand" aria-hidden="true">
          <span className="wordmark-mark" />
          Kiln
        </p>
        {children}
      </div>
    </main>
  );
}
