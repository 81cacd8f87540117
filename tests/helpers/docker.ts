import Docker from "dockerode";

export const docker = new Docker();

export async function containerOf(user: string, server = "") {
  const name = `${process.env.KILN_INSTANCE_NAME ?? "kiln"}-${user}${server ? `-${server}` : ""}`;
  try {
    return await docker.getContainer(name).inspect();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
}
