import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { expect, test } from "vitest";
import { StatusBadge } from "../../app/_components/runs/run-format";

const badge = (status: "running" | "finished", activity?: "executing" | "idle" | null) =>
  renderToStaticMarkup(createElement(StatusBadge, { status, activity }));

test("a running interactive run between cells reads 'running · idle'; executing, batch and ended runs read their status", () => {
  expect(badge("running", "idle")).toContain(">running · idle<");
  expect(badge("running", "executing")).toContain(">running<");
  expect(badge("running")).toContain(">running<");
  expect(badge("finished", null)).toContain(">finished<");
});
