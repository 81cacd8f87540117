"""HTTP to Kiln (docs/kernel-api.md): auth headers, JSON, streamed bodies, errors."""

import functools
import hashlib
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 120  # seconds without a byte before a request gives up
CHUNK = 1 << 20


class KilnError(Exception):
    """Something kiln could not do; the message says why.

    ``status``, ``code`` and ``field`` hold Kiln's HTTP status and error fields when the
    error came from Kiln.
    """

    def __init__(self, message, status=None, code=None, field=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.field = field


def _env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise KilnError(f"kiln: {name} is not set (Kiln sets it in the environment of its kernels)")
    return value


def config():
    """(base URL, token) from the environment, read at call time."""
    url = _env("KILN_API_URL").rstrip("/")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise KilnError(f"kiln: KILN_API_URL must be an http:// or https:// URL, not {url!r}")
    return url, _env("KILN_SERVER_TOKEN")


def _api_socket():
    """KILN_API_SOCKET: the Unix socket Kiln listens on for this server (containers have
    no network route to Kiln). Unset: KILN_API_URL is reached over TCP."""
    return os.environ.get("KILN_API_SOCKET", "").strip() or None


_KERNEL_FILE = re.compile(r"kernel-([0-9a-fA-F-]{36})\.json$")


def kernel_id():
    """This kernel's id, from the connection file Jupyter named after it, or None.

    Sent with every request, so that Kiln can tell which kernel a cell ran in when another
    client (JupyterLab, VS Code) sent it and Kiln never saw its message id.
    """
    app_module = sys.modules.get("ipykernel.kernelapp")
    app_class = getattr(app_module, "IPKernelApp", None)
    try:
        if app_class is None or not app_class.initialized():
            return None
        match = _KERNEL_FILE.search(str(app_class.instance().connection_file or ""))
    except Exception:
        return None
    return match.group(1) if match else None


def quote_path(path):
    """Percent-encodes each segment of a relative '/'-separated path."""
    return "/".join(urllib.parse.quote(segment, safe="") for segment in path.split("/"))


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but never sends the token or execution to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        same_host = urllib.parse.urlsplit(newurl).netloc == urllib.parse.urlsplit(req.full_url).netloc
        if new is not None and not same_host:
            new.remove_header("Authorization")
            new.remove_header("X-kiln-execution")
        return new


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over a Unix socket; the host name in the URL only fills the Host header."""

    def __init__(self, socket_path, host, **kwargs):
        super().__init__(host, **kwargs)
        self._socket_path = socket_path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if self.timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(self.timeout)
        try:
            sock.connect(self._socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class _UnixHandler(urllib.request.HTTPHandler):
    def __init__(self, socket_path):
        super().__init__()
        self._socket_path = socket_path

    def http_open(self, req):
        return self.do_open(functools.partial(_UnixConnection, self._socket_path), req)


# Kiln is reached directly: proxies from the environment (http_proxy, ...) are not used.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _Redirects)


@functools.lru_cache(maxsize=4)
def _socket_opener(socket_path):
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _Redirects, _UnixHandler(socket_path))


def _open(req, timeout):
    path = _api_socket()
    return (_socket_opener(path) if path else _opener).open(req, timeout=timeout)


RESTART_WAIT = 300  # seconds a refused socket is tried again: a restarting Kiln (and its takeover) comes back within them


def _refused(e):
    """Kiln is not there (refused, no socket file) or died while answering (reset, broken
    pipe): a Kiln killed mid-request committed nothing it had not answered, so the request
    goes again once the next Kiln listens (at worst a metric point is logged twice)."""
    reason = getattr(e, "reason", e)
    return isinstance(reason, (ConnectionRefusedError, FileNotFoundError, ConnectionResetError, BrokenPipeError))


def _open_waiting_for_restart(req, timeout):
    """Opens the request; on Kiln's socket, a refused or reset connection (Kiln is
    restarting) is tried again every half second for RESTART_WAIT seconds, so code running
    in a container outlives a Kiln restart. Over TCP a refusal is answered at once."""
    deadline = time.monotonic() + RESTART_WAIT
    while True:
        try:
            return _open(req, timeout)
        except (urllib.error.URLError, OSError) as e:
            if isinstance(e, urllib.error.HTTPError) or not _api_socket() or not _refused(e) or time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def request(method, path, execution, *, query=None, json_body=None, body=None, length=None,
            timeout=TIMEOUT, raw=False):
    """Sends one request to Kiln and returns its JSON answer (or the open response if raw).

    ``json_body``: an object or already-encoded bytes. ``body``: a file object streamed as
    is, ``length`` bytes long. ``execution`` goes out as X-Kiln-Execution.
    """
    base, token = config()
    url = base + path
    if query:
        url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
    headers = {"Authorization": f"token {token}", "X-Kiln-Execution": execution,
               "Accept": "application/json"}
    kernel = kernel_id()
    if kernel:
        headers["X-Kiln-Kernel"] = kernel
    data = None
    if json_body is not None:
        data = json_body if isinstance(json_body, bytes) else dumps(json_body)
        headers["Content-Type"] = "application/json"
    elif body is not None:
        data = body
        headers["Content-Type"] = "application/octet-stream"
        headers["Content-Length"] = str(length)
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        response = _open_waiting_for_restart(req, timeout)
    except urllib.error.HTTPError as e:
        raise http_error(e) from None
    except urllib.error.URLError as e:
        raise connection_error(base, e.reason, timeout) from None
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise connection_error(base, e, timeout) from None
    if raw:
        return response
    with response:
        text = read(response)
    try:
        return json.loads(text) if text else {}
    except ValueError:
        raise KilnError(f"kiln: Kiln's answer to {method} {path} is not JSON "
                        f"(is KILN_API_URL={base} Kiln?)") from None


def read(response, size=-1):
    """response.read(size), with a lost connection as a KilnError."""
    try:
        return response.read(size)
    except (OSError, http.client.HTTPException) as e:
        raise KilnError(f"kiln: the connection to Kiln broke while reading its answer: {e}") from None


def dumps(obj):
    """Strict JSON (no NaN) as UTF-8 bytes."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def http_error(e):
    """KilnError from an HTTP error answer: Kiln's {"error": {"message"}} and the status."""
    try:
        payload = json.loads(e.read() or b"null")
    except Exception:
        payload = None
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return KilnError(f"kiln: {error['message']} (HTTP {e.code})", e.code,
                         error.get("code"), error.get("field"))
    if isinstance(error, str) and error:
        return KilnError(f"kiln: {error} (HTTP {e.code})", e.code)
    return KilnError(f"kiln: {e.reason or 'request failed'} (HTTP {e.code})", e.code)


def connection_error(base, reason, timeout=TIMEOUT):
    if isinstance(reason, ConnectionRefusedError):
        what = "connection refused"
    elif isinstance(reason, TimeoutError):
        what = f"no answer within {timeout} s"
    else:
        what = str(reason) or type(reason).__name__
    where = f"its socket {_api_socket()} (KILN_API_SOCKET)" if _api_socket() else f"{base} (KILN_API_URL)"
    return KilnError(f"kiln: cannot reach Kiln at {where}: {what}")


class _HashingReader:
    """A file wrapper that hashes what http.client reads from it."""

    def __init__(self, file):
        self._file = file
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        # http.client asks for 8 KiB at a time and sends whatever comes: larger reads are fine
        chunk = self._file.read(size if size < 0 else max(size, CHUNK))
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk


def upload(path, execution, local_file, query=None):
    """PUTs a local file, streamed, and checks Kiln's size/sha256 (when it answers them)."""
    try:
        file = open(local_file, "rb")
    except OSError as e:
        raise KilnError(f"kiln: cannot read {local_file}: {e.strerror or e}") from None
    with file:
        length = os.fstat(file.fileno()).st_size
        reader = _HashingReader(file)
        answer = request("PUT", path, execution, query=query, body=reader, length=length)
    digest = reader.sha256.hexdigest()
    if (isinstance(answer, dict) and (answer.get("size", reader.size) != reader.size
                                      or str(answer.get("sha256", digest)).lower() != digest)):
        raise KilnError(f"kiln: {local_file} changed on its way to Kiln (sent {reader.size} bytes, "
                        f"sha256 {digest}; Kiln stored {answer.get('size')} bytes, "
                        f"sha256 {answer.get('sha256')})")
    return answer
