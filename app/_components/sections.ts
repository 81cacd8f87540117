/** The workspace's sections, shared by the top bar, the home cards and the empty-state pages. */
export interface Section {
  href: string;
  label: string;
  /** One line: what the section holds. */
  summary: string;
  adminOnly?: boolean;
}

export const SECTIONS: Section[] = [
  {
    href: "/servers",
    label: "Servers",
    summary: "Start your own Jupyter server with the framework image and resources you need.",
  },
  {
    href: "/notebooks",
    label: "Notebooks",
    summary: "A real notebook editor on your own Jupyter server, in a container with the framework image and GPUs you pick.",
  },
  {
    href: "/terminal",
    label: "Terminal",
    summary: "A shell on your own server, in the browser: run scripts, install packages, watch jobs.",
  },
  {
    href: "/files",
    label: "Files",
    summary: "Browse your server's home folder: upload, download, rename and organise files and folders.",
  },
  {
    href: "/experiments",
    label: "Experiments",
    summary: "Every notebook execution recorded as a run with params, metrics, artifacts and pinned data versions, to compare and reproduce.",
  },
  {
    href: "/data",
    label: "Data",
    summary: "Versioned datasets: upload files or folders, see what changed between versions, their lineage and data checks.",
  },
  {
    href: "/pipelines",
    label: "Pipelines",
    summary: "Versioned DAGs of steps promoted from notebook cells, each step run in its own container: by hand, on a cron schedule or when new data arrives, with live logs.",
  },
  {
    href: "/sweeps",
    label: "Sweeps",
    summary: "Hyperparameter searches over a notebook's parameters (grid, random or TPE, with early stopping): every trial a tracked run, the best one ready to register.",
  },
  {
    href: "/models",
    label: "Models",
    summary: "Register ONNX models from runs (versions with their metrics, signature and lineage) and serve them as endpoints, with canaries, rollback and promotion behind a metric.",
  },
  {
    href: "/admin",
    label: "Admin",
    summary: "Manage users, admins, sign-up, running servers and the image catalog.",
    adminOnly: true,
  },
];

export function sectionsFor(admin: boolean): Section[] {
  return SECTIONS.filter((s) => admin || !s.adminOnly);
}

export function section(href: string): Section {
  const s = SECTIONS.find((x) => x.href === href);
  if (!s) throw new Error(`unknown section ${href}`);
  return s;
}
