"""Kiln's Jupyter Server extension, installed in every Kiln image (and used by local servers).

Two things make a user wait for their first result: starting the server and starting a
kernel (~0.6 s of imports in ipykernel alone). This module removes the second:

* ``SpareKernelManager`` keeps one kernel started and ready in the background (hidden from
  the kernels list) and hands it out to the next kernel request, moving it to the requested
  working directory first; then it starts the next spare.
* ``GET {base_url}kiln/warm`` answers 200 once the spare kernel is ready.
* ``KilnKernelSpecManager`` finds kernel specs without importing IPython and ipykernel into
  the server (0.35 s of the first kernel's start, on a new server's clock).
* ``POST {base_url}kiln/claim`` binds a warm-pool server to the user it was handed to: the
  environment for their kernels, and the spare kernel re-entering the home directory that
  Kiln has just mounted over the old one.

``KILN_SPARE_KERNELS=0`` turns the spare off (a server that should use as little memory as
possible).
"""

import asyncio
import inspect
import json
import os
import uuid

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.provisioning import KernelProvisionerFactory
from jupyter_core.paths import jupyter_path
from jupyter_server.base.handlers import APIHandler
from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import default


def _spare_enabled():
    return os.environ.get("KILN_SPARE_KERNELS", "1") != "0"


async def _run_silently(km, code, timeout=30):
    """Executes code in a kernel without a trace in its history or on iopub."""
    # The kernel's manager as parent: "is it alive?" asks the process. Without one the client
    # asks the heartbeat, which has not beaten yet while a kernel starts slowly (a busy machine,
    # a container's CPU share): a healthy kernel was declared dead after a second.
    client = AsyncKernelClient(parent=km, **km.get_connection_info(session=True))
    client.start_channels()
    try:
        # No wait_for_ready: it sends kernel_info until answered, then drains IOPub until 0.2 s
        # of silence (0.2-0.4 s on a new server's clock). The execute request is queued by ZMQ
        # until the kernel binds its shell socket, and only its reply matters here.
        msg_id = client.execute(code, silent=True, store_history=False)
        while True:
            reply = await client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(reply["content"].get("evalue", "spare kernel setup failed"))
                return
    finally:
        client.stop_channels()


class KilnKernelSpecManager(KernelSpecManager):
    """Jupyter's kernel spec lookup, less two imports the server never otherwise needs.

    jupyter_client imports IPython to find ~/.ipython/kernels, and ipykernel to build the
    python3 spec when ipykernel's own resources are the spec's folder; on a new server both
    land on the first kernel's start (0.35 s, measured in the python image). The folders are
    the same; a folder with a kernel.json is read as it stands (the python3 spec in the
    images is such a file), anything else goes to Jupyter's lookup.
    """

    @default("kernel_dirs")
    def _kiln_kernel_dirs(self):
        ipython_dir = os.environ.get("IPYTHONDIR") or os.path.join(os.path.expanduser("~"), ".ipython")
        return jupyter_path("kernels") + [os.path.join(ipython_dir, "kernels")]

    def _get_kernel_spec_by_name(self, kernel_name, resource_dir):
        if os.path.isfile(os.path.join(resource_dir, "kernel.json")):
            spec = self.kernel_spec_class.from_resource_dir(resource_dir)
            if KernelProvisionerFactory.instance(parent=self.parent).is_provisioner_available(spec):
                return spec
        return super()._get_kernel_spec_by_name(kernel_name, resource_dir)


class SpareKernelManager(MappingKernelManager):
    """MappingKernelManager with one ready kernel kept aside for the next request."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._spare = None
        self._spare_starting = None
        self._filling = None
        self._fill_failures = 0

    # The spare is nobody's kernel yet: not listed, not counted by /api/status. (And a
    # kernel still starting has no model yet: skipped, where upstream would raise.)
    def list_kernels(self):
        hidden = {self._spare, self._spare_starting}
        models = []
        for kernel_id in self.list_kernel_ids():
            if kernel_id in hidden:
                continue
            try:
                models.append(self.kernel_model(kernel_id))
            except (web.HTTPError, KeyError, AttributeError):
                pass
        return models

    def fill_spare(self):
        if not _spare_enabled() or self._spare or self._filling:
            return
        self._filling = asyncio.ensure_future(self._fill())

    async def _fill(self):
        try:
            # Our own id, so the kernel is hidden from the list while it starts too.
            self._spare_starting = str(uuid.uuid4())
            kernel_id = await super().start_kernel(kernel_id=self._spare_starting, path="", kernel_name=self.default_kernel_name)
            # ipykernel is ready once it answers: waiting here keeps that off the user's clock.
            await _run_silently(self.get_kernel(kernel_id), "pass", timeout=120)
            await self._watched(kernel_id)
            await self._settled(kernel_id)
            self._spare = kernel_id
            self._fill_failures = 0
        except Exception:  # a spare is an optimisation: never let it break the server
            self._fill_failures += 1
            self.log.exception("Kiln: could not start a spare kernel (attempt %d)", self._fill_failures)
            try:
                if self._spare_starting and self._spare_starting in self:
                    done = self.shutdown_kernel(self._spare_starting, now=True)
                    if inspect.isawaitable(done):  # sync or async, depending on the manager class
                        await done
            except Exception:
                self.log.exception("Kiln: could not clean up a failed spare kernel")
            if self._fill_failures < 5:  # a loaded machine may just be slow: try again, backing off
                asyncio.get_event_loop().call_later(2 * self._fill_failures, self.fill_spare)
        finally:
            self._spare_starting = None
            self._filling = None

    @property
    def spare_settled(self):
        """Ready, or given up on (the server works without one)."""
        return self._spare is not None or self._fill_failures >= 5

    async def prepare_spare(self, env):
        """After a warm-pool claim: the user's environment, and the newly mounted home."""
        if self._filling:
            await self._filling
        if self._spare:
            code = (
                "import os as _o; _o.environ.update(%s); _o.chdir(_o.path.realpath(_o.getcwd())); del _o"
                % json.dumps(env)
            )
            await _run_silently(self.get_kernel(self._spare), code)

    async def _watched(self, kernel_id, timeout=5.0):
        """Waits until Jupyter's own IOPub subscription to the kernel hears it.

        Jupyter keeps a kernel's execution state (what the idle culler and a WebSocket's
        "nudge" read) from a subscription made when the kernel starts, which ZMQ connects up
        to 100 ms after the kernel binds. Until it has heard a status, a cell's "busy" could
        be missed. Each kernel_info request makes the kernel publish one, so ask until heard.
        """
        kernel = self.get_kernel(kernel_id)
        if getattr(kernel, "execution_state", None) != "starting":
            return
        client = AsyncKernelClient(parent=kernel, **kernel.get_connection_info(session=True))
        client.start_channels()
        try:
            loop = asyncio.get_event_loop()
            deadline = loop.time() + timeout
            while kernel.execution_state == "starting" and loop.time() < deadline:
                client.kernel_info()
                for _ in range(10):
                    await asyncio.sleep(0.005)
                    if kernel.execution_state != "starting":
                        break
        finally:
            client.stop_channels()

    async def _settled(self, kernel_id, timeout=2.0):
        """Waits until Jupyter's own record of the kernel says it is no longer busy.

        A client that opens the kernel's WebSocket while that record still says "busy" (from
        Kiln's silent setup code) is not "nudged": Jupyter subscribes its IOPub without
        checking that the subscription took, and the first cell's outputs and idle status can
        be lost. So the kernel is handed out only once the record has caught up.
        """
        loop = asyncio.get_event_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if getattr(self.get_kernel(kernel_id), "execution_state", "idle") != "busy":
                return
            await asyncio.sleep(0.005)

    async def start_kernel(self, kernel_id=None, path=None, **kwargs):
        name = kwargs.get("kernel_name") or self.default_kernel_name
        if kernel_id is None and self._filling and not self._spare:
            # The server's first kernel: the spare started with the server is nearly ready;
            # starting a second kernel beside it would only slow both down on a small CPU share.
            try:
                await asyncio.wait_for(asyncio.shield(self._filling), timeout=60)
            except Exception:
                pass
        spare = self._spare
        if kernel_id is None and spare and spare in self and name == self.get_kernel(spare).kernel_name:
            self._spare = None
            try:
                cwd = self.cwd_for_path(path or "")
                env = {k: v for k, v in (kwargs.get("env") or {}).items() if isinstance(v, str)}
                await _run_silently(
                    self.get_kernel(spare),
                    "import os as _o; _o.environ.update(%s); _o.chdir(%s); del _o" % (json.dumps(env), json.dumps(cwd)),
                )
                await self._settled(spare)
                self.log.info("Kiln: handed out the spare kernel %s (cwd %s)", spare, cwd)
                return spare
            except Exception:
                self.log.exception("Kiln: the spare kernel could not be handed out; starting a new one")
                done = self.shutdown_kernel(spare, now=True)
                if inspect.isawaitable(done):
                    await done
            finally:
                self.fill_spare()
        kernel_id = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        self.fill_spare()
        return kernel_id


class ClaimHandler(APIHandler):
    """POST {base_url}kiln/claim {"env": {...}}: Kiln binds a warm-pool server to its user."""

    @web.authenticated
    async def post(self):
        body = json.loads(self.request.body or b"{}")
        env = {str(k): str(v) for k, v in (body.get("env") or {}).items()}
        os.environ.update(env)  # kernels started from now on inherit it
        km = self.kernel_manager
        if isinstance(km, SpareKernelManager):
            await km.prepare_spare(env)
        self.set_status(204)
        self.finish()


class WarmHandler(APIHandler):
    """GET {base_url}kiln/warm: 200 once the spare kernel is ready (or there is none to wait
    for), else 503. The warm pool offers a server only when this says so."""

    @web.authenticated
    async def get(self):
        km = self.kernel_manager
        spare = isinstance(km, SpareKernelManager) and _spare_enabled()
        # ?wait=S: answer as soon as the spare is up, within S seconds (at most 30), rather
        # than make Kiln poll (each poll a 503 in the log, and up to a poll interval late).
        try:
            wait = min(max(float(self.get_argument("wait", "0")), 0.0), 30.0)
        except ValueError:
            raise web.HTTPError(400, "wait: a number of seconds")
        if spare and not km.spare_settled and wait > 0 and km._filling:
            try:
                await asyncio.wait_for(asyncio.shield(km._filling), timeout=wait)
            except Exception:  # timed out, or the fill failed: say where it stands
                pass
        warm = not spare or km.spare_settled
        self.set_status(200 if warm else 503)
        self.finish(json.dumps({"warm": warm}))


def _jupyter_server_extension_points():
    return [{"module": "kiln_jupyter"}]


def _load_jupyter_server_extension(serverapp):
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(serverapp.base_url, "kiln/claim"), ClaimHandler),
            (url_path_join(serverapp.base_url, "kiln/warm"), WarmHandler),
        ],
    )
    km = serverapp.kernel_manager
    if isinstance(km, SpareKernelManager):
        asyncio.get_event_loop().call_soon(km.fill_spare)
