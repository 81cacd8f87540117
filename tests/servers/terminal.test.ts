import { afterAll, expect, inject, test } from "vitest";
import { call, makeUser, startServer } from "../helpers/http";
import { terminalSession } from "../helpers/jupyter";

const s = inject("servers")[0]!;
let user: { name: string; token: string } | undefined;
afterAll(async () => {
  if (user) await call(s.url, "DELETE", `/hub/api/users/${user.name}/server`, { token: user.token });
});

test("a terminal in the user's container, through the proxy: commands run as the unprivileged user", async () => {
  user = await makeUser(s, "term");
  await startServer(s.url, user);
  const screen = await terminalSession(s.url, user.name, user.token, "echo kiln-$(id -un)-$((6*7)) && pwd", "kiln-jovyan-42");
  expect(screen).toContain("/home/jovyan");
}, 60_000);
