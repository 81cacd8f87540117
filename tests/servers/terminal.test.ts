import { afterAll, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { terminalClient } from "../helpers/jupyter";

const s = inject("servers")[0]!;
let user: { name: string; token: string } | undefined;
afterAll(async () => {
  if (user) await call(s.url, "DELETE", `/hub/api/users/${user.name}/server`, { token: user.token });
});

test("a terminal in the user's container, through the proxy: commands run as the unprivileged user", async () => {
  user = await makeUser(s, "term");
  expect((await call(s.url, "POST", `/hub/api/users/${user.name}/server`, { token: user.token, body: {} })).status).toBe(201);
  const tm = terminalClient(s.url, user.name, user.token);
  const term = await tm.startNew();
  let screen = "";
  term.messageReceived.connect((_, msg) => {
    if (msg.type === "stdout") screen += String(msg.content?.[0] ?? "");
  });
  await new Promise((r) => setTimeout(r, 500));
  term.send({ type: "stdin", content: ["echo kiln-$(id -un)-$((6*7)) && pwd\r"] });
  await expect.poll(() => screen, { timeout: 15_000 }).toContain("kiln-jovyan-42");
  expect(screen).toContain("/home/jovyan");
  await term.shutdown();
  tm.dispose();
}, 60_000);
