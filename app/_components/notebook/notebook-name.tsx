"use client";

import { useEffect, useState } from "react";
import { useSignal } from "./signal";
import { useController } from "./use-store";

/** The notebook's name, renamed in place: Enter or leaving the field saves, Escape puts it back. */
export function NotebookName() {
  const c = useController();
  const name = useSignal(c.name);
  const [value, setValue] = useState(name);
  const [error, setError] = useState("");
  useEffect(() => setValue(name), [name]);

  async function commit() {
    const next = value.trim();
    if (!next || next === name) return setValue(name);
    const res = await c.saver.rename(next);
    if (res.ok) {
      setError("");
      c.name.set(res.model.name);
    } else setError(res.error.message);
  }

  return (
    <div className="nb-name">
      <label htmlFor="nb-name" className="visually-hidden">
        Notebook name
      </label>
      <input
        id="nb-name"
        value={value}
        maxLength={200}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "nb-name-error" : undefined}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => void commit()}
        onKeyDown={(e) => {
          if (e.key === "Enter") e.currentTarget.blur();
          if (e.key === "Escape") {
            setValue(name);
            setError("");
          }
        }}
      />
      {error ? (
        <p id="nb-name-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
