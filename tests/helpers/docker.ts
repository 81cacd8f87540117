import Docker from "dockerode";

export const docker = new Docker();

export async function containerOf(user: string, server = "", instance = process.env.KILN_INSTANCE_NAME ?? "kiln") {
  const name = `${instance}-${user}${server ? `-${server}` : ""}`;
  try {
    return await docker.getContainer(name).inspect();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
}

/** Everything an instance left on the engine: containers, then the users' home volumes. */
export async function removeInstance(instance: string) {
  const left = await docker.listContainers({ all: true, filters: { label: [`org.kiln.instance=${instance}`] } }).catch(() => []);
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
  const { Volumes } = await docker.listVolumes({ filters: { name: [`${instance}-home-`] } }).catch(() => ({ Volumes: [] }));
  await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove().catch(() => {})));
}
