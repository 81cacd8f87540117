# Installed as /etc/jupyter/jupyter_server_config.py in every Kiln image.
#
# Debian's jupyter_server 1.23 leaves Nagle's algorithm on for kernel WebSockets: a reply
# is several small frames, and after the first the rest wait for the client's delayed ACK,
# ~40 ms per execution (measured here: 48 ms per `pass`, 6.7 ms kernel-only over ZMQ).
# Setting TCP_NODELAY when the socket is accepted is not enough: tornado's HTTP/1 connection
# turns it off again after the upgrade response. So turn it on once the kernel WebSocket is
# open, as tornado's WebSocketHandler.set_nodelay documents (48 -> 9.5 ms per `pass`).
from jupyter_server.services.kernels import handlers as _kernel_handlers

_open = _kernel_handlers.ZMQChannelsHandler.open


def _open_with_nodelay(self, kernel_id):
    self.set_nodelay(True)
    return _open(self, kernel_id)


_kernel_handlers.ZMQChannelsHandler.open = _open_with_nodelay

c = get_config()  # noqa: F821 (provided by Jupyter's config loader)
c.ServerApp.open_browser = False

# kiln_jupyter (next to this file; in the images, on Python's path): a spare kernel kept
# ready for the next request, and the warm-pool claim endpoint.
c.ServerApp.jpserver_extensions = {"kiln_jupyter": True}
c.ServerApp.kernel_manager_class = "kiln_jupyter.SpareKernelManager"
c.ServerApp.kernel_spec_manager_class = "kiln_jupyter.KilnKernelSpecManager"
