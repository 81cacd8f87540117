"use client";

import { useState } from "react";
import { appendEcho, type InputRequest } from "./run-state";
import { useController } from "./use-store";

/** The kernel's input() prompt: answered with Enter; the answer (masked for getpass) stays shown, as in Jupyter. */
export function InputPrompt({ cellId, request }: { cellId: string; request: InputRequest }) {
  const c = useController();
  const [value, setValue] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const id = `nb-input-${cellId}`;

  async function send() {
    setBusy(true);
    const res = await c.command("input", { value });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    const shown = request.password ? "•".repeat(Math.min(value.length, 8)) : value;
    c.store.setRun(cellId, appendEcho(c.store.run(cellId), `${request.prompt}${shown}\n`));
  }

  return (
    <div className="nb-stdin">
      <label htmlFor={id} className="nb-stdin-prompt">{request.prompt.trim() ? request.prompt : "Input"}</label>
      <input
        id={id}
        type={request.password ? "password" : "text"}
        value={value}
        autoFocus
        autoComplete="off"
        disabled={busy}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            void send();
          }
        }}
      />
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </div>
  );
}
