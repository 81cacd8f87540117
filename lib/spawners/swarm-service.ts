import type Docker from "dockerode";
import { PIDS_LIMIT } from "../servers/limits";
import { checkLimits, type ContainerPlan, containerEnv, jupyterCommand } from "./docker-container";
import { CONTAINER_RUN } from "./run-dirs";

/** What a swarm service for one server (or job) is made of (the spawner decides placement and names): a container's plan, placed by the swarm. */
export interface ServicePlan extends Omit<ContainerPlan, "network" | "home" | "diskSize"> {
  /** The home volume's name, labels and (KILN_SWARM_HOMES=volume-driver:...) its driver. */
  home: { name: string; labels: Record<string, string>; driver: string | null };
  constraints: string[];
  /** KILN_SWARM_NETWORK, or null: no network at all. */
  network: string | null;
}

/** Swarm's generic resource kind for NVIDIA GPUs, as nodes declare it (`--node-generic-resource NVIDIA-GPU=uuid`). */
export const GPU_KIND = "NVIDIA-GPU";

/**
 * A node engine started without a default bridge (`dockerd --bridge=none`) labels itself so
 * (`--label org.kiln.no-bridge=true`): a swarm service cannot ask for the `none` network
 * (moby/moby#44403), and a task with no network attachment gets the engine's default bridge
 * where there is one. Servers without KILN_SWARM_NETWORK go only where that cannot happen.
 */
export const NO_BRIDGE_CONSTRAINT = "engine.labels.org.kiln.no-bridge==true";

/**
 * One replica of DockerSpawner's container shape (docker-container.ts), as a swarm service:
 * the same command, environment, user, dropped capabilities, CPU, memory and process limits
 * (with reservations equal to them, so the scheduler places it where it fits), the run
 * directories bind-mounted from Kiln's host, the home volume, no network, no Docker socket.
 * Restart policy none: a task that dies is reported, never started afresh behind Kiln's back
 * (and a job's task that ends is its end). A job runs its command on a TTY instead of Jupyter.
 */
export function serviceSpec(p: ServicePlan): Docker.CreateServiceOptions {
  checkLimits({ cpu: p.cpu, memoryMb: p.memoryMb, network: p.network ?? "none" });
  const nanoCpus = Math.round(p.cpu * 1e9);
  const memoryBytes = p.memoryMb * 1024 * 1024;
  return {
    Name: p.name,
    Labels: p.labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: p.image,
        Labels: p.labels,
        ...(p.command ? { TTY: true } : {}),
        Args: p.command ? ["tini", "--", ...p.command] : jupyterCommand(p),
        Env: containerEnv(p),
        Dir: "/home/jovyan",
        User: "1000:1000",
        CapabilityDrop: ["ALL"],
        StopGracePeriod: 5e9,
        Mounts: [
          {
            Type: "volume", Source: p.home.name, Target: "/home/jovyan", ReadOnly: !!p.homeReadOnly,
            // NoCopy false: a fresh home gets the image's /home/jovyan, as DockerSpawner's volume does.
            VolumeOptions: { NoCopy: false, Labels: p.home.labels, ...(p.home.driver ? { DriverConfig: { Name: p.home.driver, Options: {} } } : {}) } as never,
          },
          { Type: "bind", Source: p.run.jupyterDir, Target: `${CONTAINER_RUN}/jupyter` },
          { Type: "bind", Source: p.run.apiDir, Target: `${CONTAINER_RUN}/api`, ReadOnly: true },
        ],
      },
      Resources: {
        Limits: { NanoCPUs: nanoCpus, MemoryBytes: memoryBytes, Pids: PIDS_LIMIT },
        Reservations: {
          NanoCPUs: nanoCpus, MemoryBytes: memoryBytes,
          // Docker's shape; @types/dockerode flattens it wrongly.
          ...(p.gpuIds.length ? { GenericResources: [{ DiscreteResourceSpec: { Kind: GPU_KIND, Value: p.gpuIds.length } }] as never } : {}),
        },
      },
      RestartPolicy: { Condition: "none" },
      Placement: { Constraints: [...(p.network ? [] : [NO_BRIDGE_CONSTRAINT]), ...p.constraints] },
      Networks: p.network ? [{ Target: p.network }] : [],
    },
    Mode: { Replicated: { Replicas: 1 } },
  };
}
