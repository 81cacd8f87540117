"use client";

import { useEffect, useState } from "react";
import { api } from "../api";

interface MyQuota {
  max_gpus: number | null;
  max_gpu_hours: number | null;
  source: string;
  gpus_held: number;
  gpu_hours_this_month: number;
}

/** A user's GPU quota on their account page: where it comes from and how much of it is used. */
export function MyGpuQuota() {
  const [q, setQ] = useState<MyQuota | null>(null);
  useEffect(() => void api<MyQuota>("/api/user/gpu-quota").then((r) => r.ok && setQ(r.data)), []);
  if (!q) return null;
  return (
    <section className="card" aria-labelledby="my-gpu-heading">
      <h2 id="my-gpu-heading">GPU quota</h2>
      <dl className="props" data-testid="my-gpu-quota">
        <dt>GPUs at once</dt>
        <dd>{q.gpus_held} held of {q.max_gpus === null ? "no limit" : q.max_gpus}</dd>
        <dt>GPU-hours this month</dt>
        <dd>{q.gpu_hours_this_month} used of {q.max_gpu_hours === null ? "no limit" : q.max_gpu_hours}</dd>
        <dt>From</dt>
        <dd>{q.source}</dd>
      </dl>
    </section>
  );
}
