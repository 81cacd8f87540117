import { afterAll, expect, inject, test } from "vitest";
import { call, makeUser } from "../helpers/http";
import { jupyterClient, run } from "../helpers/jupyter";

// The offline-built `pytorch` image (npm run images, Debian's python3-torch): a user picks
// it from the catalog and trains something small in it, through the proxy.
const s = inject("servers")[0]!;
let user: { name: string; token: string } | undefined;
afterAll(async () => {
  if (user) await call(s.url, "DELETE", `/hub/api/users/${user.name}/server`, { token: user.token });
});

test("a server on the pytorch image: torch and torchvision import, a tiny model trains, export to ONNX works", async () => {
  user = await makeUser(s, "torch");
  const r = await call(s.url, "POST", `/hub/api/users/${user.name}/server`, { token: user.token, body: { image: "pytorch", cpu: 1, memory: "3G" } });
  expect([201, 202]).toContain(r.status);
  await expect
    .poll(async () => (await call(s.url, "GET", "/hub/api/user", { token: user!.token })).body.servers[""]?.ready, { timeout: 60_000, interval: 250 })
    .toBe(true);
  const km = jupyterClient(s.url, user.name, user.token);
  const kernel = await km.startNew({ name: "python3" });
  const code = [
    "import torch, torchvision",
    "torch.manual_seed(0)",
    "x = torch.linspace(-1, 1, 64).unsqueeze(1); y = 3 * x + 1",
    "m = torch.nn.Linear(1, 1); opt = torch.optim.SGD(m.parameters(), lr=0.5)",
    "for _ in range(200):",
    "    opt.zero_grad(); loss = ((m(x) - y) ** 2).mean(); loss.backward(); opt.step()",
    "torch.onnx.export(m, x[:1], 'linear.onnx')",
    "import onnx; onnx.checker.check_model(onnx.load('linear.onnx'))",
    "print(round(m.weight.item(), 2), round(m.bias.item(), 2), torchvision.__version__.split('.')[0])",
  ].join("\n");
  expect(await run(kernel, code)).toBe("3.0 1.0 0\n");
  km.dispose();
}, 120_000);
