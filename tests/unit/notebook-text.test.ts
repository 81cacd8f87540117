import { expect, test } from "vitest";
import { fromCodePoints, toCodePoints } from "@/app/_components/notebook/code-points";
import { headingsOf } from "@/app/_components/notebook/toc";
import { parametersOf } from "@/lib/notebooks/parameters-cell";

test("a parameters cell's values are read as Python reads its literals; anything else is an expression", () => {
  const src = [
    "# Parameters",
    "alpha = 0.5  # learning rate",
    "epochs: int = 10",
    "name = 'run \\'one\\''",
    "path = r\"C:\\data\"",
    "debug = False",
    "seed = None",
    "layers = [64, 32,",
    "          16]",
    "shape = (3, 4)",
    "one = (1)",
    "opts = {'a': 1, \"b\": [True, None]}",
    "big = 1_000_000",
    "tiny = 1e-3",
    "neg = -2",
    "now = time.time()",
    "x = 1; y = 'two'",
    "epochs = 20",
  ].join("\n");
  const byName = Object.fromEntries(parametersOf(src).map((p) => [p.name, p]));
  expect(byName.alpha).toMatchObject({ type: "float", value: 0.5 });
  expect(byName.epochs).toMatchObject({ type: "int", value: 20 }); // the last assignment wins
  expect(byName.name).toMatchObject({ type: "str", value: "run 'one'" });
  expect(byName.path).toMatchObject({ type: "str", value: "C:\\data" });
  expect(byName.debug).toMatchObject({ type: "bool", value: false });
  expect(byName.seed).toMatchObject({ type: "None", value: null });
  expect(byName.layers).toMatchObject({ type: "list", value: [64, 32, 16] });
  expect(byName.shape).toMatchObject({ type: "list", value: [3, 4] });
  expect(byName.one).toMatchObject({ type: "int", value: 1 });
  expect(byName.opts).toMatchObject({ type: "dict", value: { a: 1, b: [true, null] } });
  expect(byName.big).toMatchObject({ type: "int", value: 1_000_000 });
  expect(byName.tiny).toMatchObject({ type: "float", value: 0.001 });
  expect(byName.neg).toMatchObject({ type: "int", value: -2 });
  expect(byName.now).toEqual({ name: "now", type: "expression", source: "time.time()" });
  expect(byName.x).toMatchObject({ type: "int", value: 1 });
  expect(byName.y).toMatchObject({ type: "str", value: "two" });
  expect(parametersOf("if x == 1:\n    pass\nprint(x)")).toEqual([]);
});

test("the table of contents lists Markdown headings in order, not code or fenced lines", () => {
  const cells = [
    { id: "a", type: "markdown", source: "# Intro\ntext\n## Data *loading*\n```\n# not a heading\n```" },
    { id: "b", type: "code", source: "# a comment" },
    { id: "c", type: "markdown", source: "Results\n=======\n\nSub\n---" },
  ];
  expect(headingsOf(cells).map((h) => [h.cellId, h.level, h.text])).toEqual([
    ["a", 1, "Intro"], ["a", 2, "Data loading"], ["c", 1, "Results"], ["c", 2, "Sub"],
  ]);
});

test("cursor positions convert between UTF-16 (the editor) and code points (Jupyter)", () => {
  const s = "x = '😀'; np.ar";
  expect(toCodePoints(s, s.length)).toBe(s.length - 1);
  expect(fromCodePoints(s, s.length - 1)).toBe(s.length);
  expect(toCodePoints("abc", 2)).toBe(2);
});
