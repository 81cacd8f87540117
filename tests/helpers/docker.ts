import Docker from "dockerode";

export const docker = new Docker();

const instanceOf = (instance?: string) => instance ?? process.env.KILN_INSTANCE_NAME ?? "kiln";

/**
 * A user's server container, found by the labels Kiln puts on it (containers are named by
 * server id). A warm-pool container keeps its pool labels when claimed: tests of the pool
 * follow it by id.
 */
export async function containerOf(user: string, server = "", instance?: string) {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`org.kiln.instance=${instanceOf(instance)}`, `org.kiln.user=${user}`, `org.kiln.server=${server}`] },
  });
  if (!list.length) return null;
  try {
    return await docker.getContainer(list[0]!.Id).inspect();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
}

/** A user's home volume, by the labels Kiln puts on it (volumes are named by user id). */
export async function homeVolumeOf(user: string, instance?: string) {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`org.kiln.instance=${instanceOf(instance)}`, `org.kiln.user=${user}`] } });
  return Volumes?.[0] ?? null;
}

/** Everything an instance left on the engine: containers, then the users' home volumes. */
export async function removeInstance(instance: string) {
  const left = await docker.listContainers({ all: true, filters: { label: [`org.kiln.instance=${instance}`] } }).catch(() => []);
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
  const { Volumes } = await docker.listVolumes({ filters: { label: [`org.kiln.instance=${instance}`] } }).catch(() => ({ Volumes: [] }));
  await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove().catch(() => {})));
}

/**
 * Waits until no container carries these labels, and answers what is still there then
 * (each with the engine's state and error: a removal that failed says why), [] when none.
 * Removal on a loaded machine can take seconds; a dead container that stays is a leak.
 */
export async function containersLeftAfter(labels: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await docker.listContainers({ all: true, filters: { label: labels } });
    if (!left.length) return [];
    if (Date.now() > deadline) {
      return Promise.all(left.map(async (c) => {
        const state = await docker.getContainer(c.Id).inspect().then((i) => i.State, () => null);
        return { id: c.Id, name: c.Names[0], status: c.Status, error: state?.Error ?? null };
      }));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
