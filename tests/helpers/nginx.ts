import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * nginx in front of several Kilns, as an operator would put it (docs/multi-node.md):
 * round-robin without stickiness, WebSocket upgrades, no buffering (event streams, uploads),
 * long reads, and a request that cannot reach a replica retried on the next. Every path
 * (pid, logs, temporary files) is inside `dir`.
 */
export function nginxConfig(dir: string, port: number, upstreams: number[]): string {
  const tmp = (name: string) => path.join(dir, name);
  return `
${process.getuid?.() === 0 ? "user root;" : ""}
worker_processes 1;
pid ${tmp("nginx.pid")};
error_log ${tmp("error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${tmp("client_body")};
  proxy_temp_path ${tmp("proxy")};
  fastcgi_temp_path ${tmp("fastcgi")};
  uwsgi_temp_path ${tmp("uwsgi")};
  scgi_temp_path ${tmp("scgi")};
  map $http_upgrade $connection_upgrade { default upgrade; "" ""; }
  upstream kiln {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join("\n")}
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 0;
    location / {
      proxy_pass http://kiln;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_next_upstream error timeout;
      # which replica answered, for tests to see the round-robin
      add_header X-Kiln-Upstream $upstream_addr always;
    }
  }
}
`;
}

export async function waitForNginx(url: string, proc: ChildProcess, output: () => string) {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited (${proc.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx at ${url} did not answer:\n${output()}`);
}

export function readIfThere(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
