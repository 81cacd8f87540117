"""Tests of the kiln module against a small Kiln stand-in on 127.0.0.1 (docs/kernel-api.md).

    python3 -m unittest discover -s kernels/common/tests
"""

import hashlib
import io
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
import unittest
import urllib.parse
from contextlib import redirect_stderr
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

COMMON = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(COMMON))

import kiln  # noqa: E402
from kiln import _context, _datasets, _tracking  # noqa: E402

TOKEN = "kiln_test_token"


def _strict_json(data):
    def no_constants(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(data, parse_constant=no_constants)


class FakeKiln:
    """What the module sees of Kiln: records every request, enforces the contract's limits."""

    def __init__(self):
        self.requests = []  # (method, path, query, execution)
        self.batches = []  # (execution, body)
        self.params = {}
        self.artifacts = {}  # path -> (bytes, query)
        self.datasets = {}  # name -> {version: {path: bytes}}
        self.uploads = {}  # upload_id -> {"name", "body", "files"}
        self.corrupt = False
        self.fail_checks = False
        self.redirect_files_to = None  # a base URL: file GETs answer 302 there
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.handle(self)

            do_POST = do_PUT = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def add_dataset(self, name, version, files):
        self.datasets.setdefault(name, {})[version] = files

    def paths(self, method=None, prefix=""):
        return [p for m, p, _, _ in self.requests if (method is None or m == method) and p.startswith(prefix)]

    # --- the contract ---
    def handle(self, h):
        url = urllib.parse.urlsplit(h.path)
        raw_path = url.path
        query = dict(urllib.parse.parse_qsl(url.query))
        execution = h.headers.get("X-Kiln-Execution")
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        with self.lock:
            self.requests.append((h.command, raw_path, query, execution))
        if h.headers.get("Authorization") != f"token {TOKEN}":
            return self.error(h, 401, "unauthenticated", "bad token")
        if not execution:
            return self.error(h, 400, "invalid", "X-Kiln-Execution missing")
        segments = [urllib.parse.unquote(s) for s in raw_path.split("/")[1:]]
        route = (h.command, segments[:3])
        if route == ("POST", ["api", "kernel", "log-batch"]):
            return self.log_batch(h, execution, body)
        if route == ("PUT", ["api", "kernel", "artifacts"]):
            path = "/".join(segments[3:])
            if not path or ".." in segments[3:] or path.startswith("/"):
                return self.error(h, 400, "invalid", "bad artifact path", "path")
            self.artifacts[path] = (body, query)
            return self.answer(h, {"run_id": 1, "path": path, "size": len(body),
                                   "sha256": hashlib.sha256(body).hexdigest()})
        if route == ("POST", ["api", "kernel", "models"]):
            ask = json.loads(body)
            with self.lock:
                self.registered = getattr(self, "registered", []) + [(ask, len(self.batches))]
            return self.answer(h, {"id": 1, "name": ask["name"], "registered": {"version": len(self.registered)}}, 201)
        if route == ("GET", ["api", "kernel", "datasets"]) and len(segments) == 4:
            versions = self.datasets.get(segments[3])
            if not versions:
                return self.error(h, 404, "not_found", f"no dataset {segments[3]}")
            version = int(query["version"]) if "version" in query else max(versions)
            if version not in versions:
                return self.error(h, 404, "not_found", f"no version {version}")
            return self.answer(h, {"dataset": segments[3], "version": version, "files": [
                {"path": p, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                for p, b in versions[version].items()]})
        if h.command == "GET" and segments[:2] == ["api", "datasets"] and segments[3:4] == ["versions"]:
            name, version, path = segments[2], int(segments[4]), "/".join(segments[6:])
            data = self.datasets.get(name, {}).get(version, {}).get(path)
            if data is None:
                return self.error(h, 404, "not_found", "no such file")
            if self.redirect_files_to:
                h.send_response(302)
                h.send_header("Location", self.redirect_files_to + raw_path)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            if self.corrupt:
                data = b"X" * len(data)
            return self.answer(h, data)
        if h.command in ("POST", "PUT") and segments[:2] == ["api", "datasets"]:
            return self.dataset_upload(h, segments[2], segments[3:], body)
        return self.error(h, 404, "not_found", f"no route {h.command} {raw_path}")

    def log_batch(self, h, execution, body):
        if len(body) > 1_000_000:
            return self.error(h, 400, "too_large", "a batch is 1 MB at most")
        try:
            batch = _strict_json(body)
        except ValueError as e:
            return self.error(h, 400, "invalid", f"bad JSON: {e}")
        for field, limit in (("metrics", 1000), ("params", 100), ("tags", 100)):
            if len(batch.get(field, [])) > limit:
                return self.error(h, 400, "too_many", f"at most {limit} {field} per batch", field)
        for i, m in enumerate(batch.get("metrics", [])):
            if " " in m["key"]:
                return self.error(h, 400, "invalid", f"invalid metric key {m['key']!r}", f"metrics[{i}].key")
            if not isinstance(m["step"], int) or m["step"] < 0:
                return self.error(h, 400, "invalid", "bad step", f"metrics[{i}].step")
            v = m["value"]
            if not (isinstance(v, (int, float)) or v in ("NaN", "Infinity", "-Infinity")):
                return self.error(h, 400, "invalid", "bad value", f"metrics[{i}].value")
        for p in batch.get("params", []):
            if self.params.get(p["key"], p["value"]) != p["value"]:
                return self.error(h, 409, "conflict", f"param {p['key']!r} already logged with another value")
            self.params[p["key"]] = p["value"]
        with self.lock:
            self.batches.append((execution, batch))
        return self.answer(h, {"run_id": 12})

    def dataset_upload(self, h, name, rest, body):
        if h.command == "POST" and rest == ["uploads"]:
            upload_id = f"up-{len(self.uploads) + 1}"
            self.uploads[upload_id] = {"name": name, "body": _strict_json(body), "files": {}}
            return self.answer(h, {"upload_id": upload_id})
        upload = self.uploads.get(rest[1]) if len(rest) > 1 else None
        if upload is None:
            return self.error(h, 404, "not_found", "no such upload")
        if h.command == "PUT" and rest[2:3] == ["files"]:
            upload["files"]["/".join(rest[3:])] = body
            return self.answer(h, {"path": "/".join(rest[3:]), "size": len(body),
                                   "sha256": hashlib.sha256(body).hexdigest()})
        if h.command == "POST" and rest[2:] == ["commit"]:
            version = max(self.datasets.get(name, {0: None})) + 1
            self.add_dataset(name, version, upload["files"])
            checks = {"status": "none", "results": []}
            if self.fail_checks:
                checks = {"status": "failed", "results": [  # lib/db/schema/datasets.ts CheckResult
                    {"check": "rows", "passed": True, "detail": "150 rows"},
                    {"check": "max_null_ratio", "passed": False, "detail": "petal_width: null ratio 0.2 > 0.05"}]}
            return self.answer(h, {"dataset": name, "version": version, "files": [
                {"path": p, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                for p, b in upload["files"].items()], "checks": checks})
        return self.error(h, 404, "not_found", "no route")

    def answer(self, h, payload, status=200):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json" if not isinstance(payload, bytes) else "application/octet-stream")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def error(self, h, status, code, message, field=None):
        error = {"code": code, "message": message}
        if field:
            error["field"] = field
        self.answer(h, {"error": error}, status)


class KilnTestCase(unittest.TestCase):
    def setUp(self):
        self.kiln = FakeKiln()
        self.addCleanup(self.kiln.close)
        self.home = tempfile.TemporaryDirectory()
        self.addCleanup(self.home.cleanup)
        env = {"KILN_API_URL": self.kiln.url, "KILN_SERVER_TOKEN": TOKEN,
               "KILN_EXECUTION_ID": "cell-1", "HOME": self.home.name}
        patcher = mock.patch.dict(os.environ, env)
        patcher.start()
        self.addCleanup(patcher.stop)
        tracker = mock.patch.object(_tracking, "tracker", _tracking.Tracker())
        tracker.start()
        self.addCleanup(tracker.stop)
        _tracking.tracker.flush_seconds = 60  # no timer flush unless a test asks for one

    def metrics(self):
        return [(ex, m) for ex, b in self.kiln.batches for m in b.get("metrics", [])]


class TestLogging(KilnTestCase):
    def test_metric_batches_split_at_1000(self):
        for i in range(2500):
            kiln.log_metric("loss", 1.0 / (i + 1))
        # the buffer flushed itself at 1000 points, twice
        self.assertEqual([len(b["metrics"]) for _, b in self.kiln.batches], [1000, 1000])
        kiln.flush()
        self.assertEqual([len(b["metrics"]) for _, b in self.kiln.batches], [1000, 1000, 500])
        self.assertEqual([m["step"] for _, m in self.metrics()], list(range(2500)))

    def test_batches_respect_every_limit(self):
        metrics = [{"key": "m", "value": 1.0, "step": i, "timestamp": 0} for i in range(2345)]
        bodies = list(_tracking.batches(metrics=metrics))
        self.assertEqual([n for _, n in bodies], [1000, 1000, 345])
        tracker = _tracking.tracker
        with tracker._lock:  # a buffer over the limit (as after a failed timer flush)
            tracker._buffer["cell-1"] = metrics
        kiln.flush()
        self.assertEqual([len(b["metrics"]) for _, b in self.kiln.batches], [1000, 1000, 345])

        kiln.log_params({f"p{i}": i for i in range(250)})
        self.assertEqual([len(b.get("params", [])) for _, b in self.kiln.batches[3:]], [100, 100, 50])

        big = "x" * 20_000  # 100 tags of 20 kB: 2 MB, over the 1 MB a request may hold
        kiln.set_tags({f"t{i}": big for i in range(100)})
        tag_batches = [b["tags"] for _, b in self.kiln.batches[6:]]
        self.assertGreater(len(tag_batches), 2)
        self.assertEqual(sum(len(t) for t in tag_batches), 100)

    def test_steps_count_per_key(self):
        kiln.log_metric("loss", 0.9)
        kiln.log_metric("loss", 0.8)
        kiln.log_metric("acc", 0.5)
        kiln.log_metrics({"loss": 0.7, "acc": 0.6})
        kiln.log_metric("loss", 0.6, step=10)
        kiln.log_metric("loss", 0.5)
        kiln.flush()
        steps = [(m["key"], m["step"]) for _, m in self.metrics()]
        self.assertEqual(steps, [("loss", 0), ("loss", 1), ("acc", 0), ("loss", 2), ("acc", 1),
                                 ("loss", 10), ("loss", 11)])

    def test_non_finite_values_and_number_types(self):
        class Scalar:  # what numpy.float32(...) offers: __float__
            def __float__(self):
                return 0.25
        kiln.log_metric("a", float("nan"))
        kiln.log_metric("a", math.inf)
        kiln.log_metric("a", -math.inf)
        kiln.log_metric("a", 3)
        kiln.log_metric("a", Scalar())
        kiln.flush()
        self.assertEqual([m["value"] for _, m in self.metrics()], ["NaN", "Infinity", "-Infinity", 3.0, 0.25])
        with self.assertRaisesRegex(kiln.KilnError, "must be a number"):
            kiln.log_metric("a", "high")
        with self.assertRaisesRegex(kiln.KilnError, "step must be >= 0"):
            kiln.log_metric("a", 1, step=-1)

    def test_each_cell_keeps_its_execution_id(self):
        kiln.log_param("lr", 0.1)
        kiln.log_metric("loss", 1.0)
        kiln.log_metric("loss", 0.9)
        os.environ["KILN_EXECUTION_ID"] = "cell-2"  # the next cell runs; cell-1's points still buffered
        kiln.log_metric("loss", 0.8)
        kiln.log_param("epochs", 3)
        kiln.set_tag("stage", "dev")
        kiln.flush()
        self.assertEqual([(ex, m["value"]) for ex, m in self.metrics()],
                         [("cell-1", 1.0), ("cell-1", 0.9), ("cell-2", 0.8)])
        params = [(ex, p["key"], p["value"]) for ex, b in self.kiln.batches for p in b.get("params", [])]
        self.assertEqual(params, [("cell-1", "lr", "0.1"), ("cell-2", "epochs", "3")])
        tags = [(ex, t["key"]) for ex, b in self.kiln.batches for t in b.get("tags", [])]
        self.assertEqual(tags, [("cell-2", "stage")])

    def test_http_errors_carry_kilns_message(self):
        kiln.log_metric("bad key", 1.0)
        with self.assertRaises(kiln.KilnError) as caught:
            kiln.flush()
        self.assertTrue(str(caught.exception).startswith("kiln: invalid metric key 'bad key' (HTTP 400)"),
                        str(caught.exception))
        self.assertEqual((caught.exception.status, caught.exception.field), (400, "metrics[0].key"))
        kiln.log_param("lr", 0.1)
        with self.assertRaisesRegex(kiln.KilnError, r"^kiln: param 'lr' already logged with another value \(HTTP 409\)$"):
            kiln.log_param("lr", 0.2)

    def test_threads_share_the_buffer_safely(self):
        _tracking.tracker.flush_seconds = 0.05  # timer flushes race with the 1000-point ones
        threads = [threading.Thread(target=lambda: [kiln.log_metric("loss", 1.0) for _ in range(500)])
                   for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        kiln.flush()
        self.assertEqual(sorted(m["step"] for _, m in self.metrics()), list(range(4000)))

    @unittest.skipUnless(hasattr(os, "fork"), "no fork")
    def test_forked_child_does_not_resend_the_parents_points(self):
        kiln.log_metric("loss", 1.0)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                kiln.log_metric("child", 2.0)
                kiln.flush()
            except BaseException:
                code = 1
            os._exit(code)
        self.assertEqual(os.waitpid(pid, 0)[1], 0)
        kiln.flush()
        self.assertEqual(sorted(m["key"] for _, m in self.metrics()), ["child", "loss"])

    def test_timer_flushes_after_a_while(self):
        _tracking.tracker.flush_seconds = 0.2
        kiln.log_metric("loss", 1.0)
        self.assertEqual(self.kiln.batches, [])
        deadline = time.time() + 5
        while not self.kiln.batches and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual([m["value"] for _, m in self.metrics()], [1.0])

    def test_failed_timer_flush_is_reported_by_the_next_flush(self):
        _tracking.tracker.flush_seconds = 0.1
        os.environ["KILN_API_URL"] = _closed_port_url()
        kiln.log_metric("loss", 1.0)
        time.sleep(0.5)  # the timer's flush failed: the point stays buffered
        with self.assertRaisesRegex(kiln.KilnError, r"KILN_API_URL.*connection refused.*1 metric point"):
            kiln.flush()


class TestEnvironment(KilnTestCase):
    def test_outside_a_kernel(self):
        del os.environ["KILN_EXECUTION_ID"]
        with self.assertRaisesRegex(kiln.KilnError, "^kiln: no cell is running"):
            kiln.log_metric("loss", 1.0)
        with self.assertRaisesRegex(kiln.KilnError, "^kiln: no cell is running"):
            kiln.dataset("iris")

    def test_missing_variables_are_named(self):
        del os.environ["KILN_SERVER_TOKEN"]
        with self.assertRaisesRegex(kiln.KilnError, "KILN_SERVER_TOKEN is not set"):
            kiln.log_metric("loss", 1.0)
        del os.environ["KILN_API_URL"]
        with self.assertRaisesRegex(kiln.KilnError, "KILN_API_URL is not set"):
            kiln.log_param("lr", 1)

    def test_connection_refused_names_the_url(self):
        url = _closed_port_url()
        os.environ["KILN_API_URL"] = url
        with self.assertRaisesRegex(kiln.KilnError, f"cannot reach Kiln at {url} \\(KILN_API_URL\\): connection refused"):
            kiln.log_param("lr", 1)

    def test_kernel_parent_wins_and_post_run_cell_flushes(self):
        parent = {"header": {"msg_id": "msg-a", "msg_type": "execute_request"}}

        class Kernel:
            def get_parent(self, channel="shell"):
                return parent if channel == "shell" else {}

        class Events:
            def __init__(self):
                self.callbacks = []

            def register(self, event, function):
                self.callbacks.append((event, function))

        shell = types.SimpleNamespace(kernel=Kernel(), events=Events())
        fake_ipython = types.ModuleType("IPython")
        fake_ipython.get_ipython = lambda: shell
        with mock.patch.dict(sys.modules, {"IPython": fake_ipython}), \
                mock.patch.object(_tracking, "_hooked", False):
            self.assertEqual(_context.execution_id(), "msg-a")  # not KILN_EXECUTION_ID
            kiln.log_metric("loss", 1.0)
            kiln.log_metric("loss", 2.0)
            self.assertEqual([e for e, _ in shell.events.callbacks], ["post_run_cell"])  # once
            parent = {"header": {"msg_id": "msg-b", "msg_type": "execute_request"}}
            kiln.log_metric("loss", 3.0)
            shell.events.callbacks[0][1](None)  # the end of the cell
            self.assertEqual([(ex, m["value"]) for ex, m in self.metrics()],
                             [("msg-a", 1.0), ("msg-a", 2.0), ("msg-b", 3.0)])

            os.environ["KILN_API_URL"] = _closed_port_url()
            kiln.log_metric("loss", 4.0)
            err = io.StringIO()
            with redirect_stderr(err):
                shell.events.callbacks[0][1](None)
            self.assertIn("connection refused", err.getvalue())
            self.assertIn("1 metric point(s) were not stored", err.getvalue())

            parent = {"header": {"msg_id": "msg-c", "msg_type": "comm_msg"}}
            with self.assertRaisesRegex(kiln.KilnError, "no cell is running"):
                kiln.log_param("x", 1)

    def test_older_kernel_apis(self):
        parent = {"header": {"msg_id": "m1", "msg_type": "execute_request"}}
        no_channel = types.SimpleNamespace(get_parent=lambda: parent)
        legacy = types.SimpleNamespace(_parent_header=parent)
        for kernel in (no_channel, legacy):
            self.assertEqual(_context._kernel_parent(types.SimpleNamespace(kernel=kernel)), parent)

    def test_flush_at_exit(self):
        code = "import kiln; kiln.log_metric('loss', 0.5); kiln.log_metric('loss', 0.25)"
        env = dict(os.environ, PYTHONPATH=str(COMMON), KILN_EXECUTION_ID="script-1")
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=30)
        self.assertEqual([(ex, m["value"]) for ex, m in self.metrics()], [("script-1", 0.5), ("script-1", 0.25)])


class TestArtifacts(KilnTestCase):
    def test_paths_are_checked_before_sending(self):
        with tempfile.NamedTemporaryFile() as f:
            for bad in ("../x", "a/../../x", "/abs"):
                with self.assertRaisesRegex(kiln.KilnError, "must not contain '..'|must be relative"):
                    kiln.log_artifact(f.name, bad)
        self.assertEqual(self.kiln.requests, [])

    def test_file_and_folder_uploads(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d) / "report"
            (root / "plots").mkdir(parents=True)
            (root / "summary.txt").write_text("ok")
            (root / "plots" / "loss #1.png").write_bytes(b"\x89PNG" + bytes(range(256)) * 50)
            kiln.log_artifact(root / "summary.txt")
            kiln.log_artifact(root, "outputs")
            kiln.log_artifacts(root / "plots", "flat")
            model = Path(d) / "clf.onnx"
            model.write_bytes(b"onnx-bytes")
            kiln.log_model(model, accuracy=0.9)
        artifacts = self.kiln.artifacts
        self.assertEqual(sorted(artifacts), ["clf/clf.onnx", "clf/metadata.json", "flat/loss #1.png",
                                             "outputs/report/plots/loss #1.png", "outputs/report/summary.txt",
                                             "summary.txt"])
        self.assertEqual(artifacts["outputs/report/plots/loss #1.png"][0], b"\x89PNG" + bytes(range(256)) * 50)
        self.assertIn("/api/kernel/artifacts/outputs/report/plots/loss%20%231.png", self.kiln.paths("PUT"))
        self.assertEqual(artifacts["clf/clf.onnx"][1], {"kind": "model", "name": "clf", "flavor": "onnx"})
        self.assertEqual(json.loads(artifacts["clf/metadata.json"][0]), {"accuracy": 0.9})

    def test_upload_streams_the_file(self):
        with tempfile.NamedTemporaryFile() as f:
            f.write(b"a" * 100_000)
            f.flush()
            seen = []
            real_open = kiln._client._opener.open

            def spy(req, **kw):
                seen.append((req.data, req.get_header("Content-length")))
                return real_open(req, **kw)
            with mock.patch.object(kiln._client._opener, "open", spy):
                kiln.log_artifact(f.name)
        body, length = seen[0]
        self.assertFalse(isinstance(body, (bytes, bytearray)))  # a reader, not the bytes
        self.assertEqual(length, "100000")


class TestRegistry(KilnTestCase):
    def test_register_model_flushes_metrics_first_and_returns_the_version(self):
        kiln.log_metric("auc", 0.9)
        self.assertEqual(kiln.register_model("churn", artifact="clf", description="first"), 1)
        ask, batches_before = self.kiln.registered[0]
        self.assertEqual(ask, {"name": "churn", "artifact": "clf", "description": "first"})
        self.assertEqual(batches_before, 1)  # the metric reached Kiln before the version was made
        self.assertEqual(kiln.register_model("churn"), 2)
        with self.assertRaises(kiln.KilnError):
            kiln.register_model("")


class TestDatasets(KilnTestCase):
    FILES = {"iris.csv": b"sepal_length,species\n5.1,setosa\n" * 1000, "meta/notes.txt": b"v1"}

    def test_download_is_cached(self):
        self.kiln.add_dataset("iris", 1, self.FILES)
        folder = kiln.dataset("iris")
        self.assertEqual(folder, str(Path(self.home.name) / ".cache/kiln/datasets/iris/1"))
        for path, data in self.FILES.items():
            self.assertEqual((Path(folder) / path).read_bytes(), data)
        file_gets = lambda: self.kiln.paths("GET", "/api/datasets/")  # noqa: E731
        self.assertEqual(len(file_gets()), 2)
        with mock.patch.object(_datasets, "_sha256_file", side_effect=AssertionError("rehashed")):
            self.assertEqual(kiln.dataset("iris", version=1), folder)
        self.assertEqual(len(file_gets()), 2)
        self.assertEqual(len(self.kiln.paths("GET", "/api/kernel/datasets/iris")), 2)  # pinned each time
        self.assertEqual(sorted(os.listdir(folder)), ["iris.csv", "meta"])

        (Path(folder) / "iris.csv").write_bytes(b"edited")  # a changed file is fetched again
        kiln.dataset("iris")
        self.assertEqual(len(file_gets()), 3)
        self.assertEqual((Path(folder) / "iris.csv").read_bytes(), self.FILES["iris.csv"])

    def test_corrupted_download_leaves_nothing(self):
        self.kiln.add_dataset("iris", 1, self.FILES)
        self.kiln.corrupt = True
        with self.assertRaisesRegex(kiln.KilnError, "arrived corrupted"):
            kiln.dataset("iris")
        folder = Path(self.home.name) / ".cache/kiln/datasets/iris/1"
        self.assertEqual([p for p in folder.rglob("*") if p.is_file()], [])
        self.kiln.corrupt = False
        self.assertEqual((Path(kiln.dataset("iris")) / "iris.csv").read_bytes(), self.FILES["iris.csv"])

    def test_redirect_elsewhere_drops_the_token(self):
        self.kiln.add_dataset("iris", 1, {"a.txt": b"abc"})
        seen = []

        class Storage(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                seen.append(dict(self.headers))
                self.send_response(200)
                self.send_header("Content-Length", "3")
                self.end_headers()
                self.wfile.write(b"abc")
        storage = ThreadingHTTPServer(("127.0.0.1", 0), Storage)
        threading.Thread(target=storage.serve_forever, args=(0.02,), daemon=True).start()
        self.addCleanup(storage.server_close)
        self.addCleanup(storage.shutdown)
        self.kiln.redirect_files_to = f"http://127.0.0.1:{storage.server_address[1]}"
        self.assertEqual((Path(kiln.dataset("iris")) / "a.txt").read_bytes(), b"abc")
        self.assertEqual(len(seen), 1)
        self.assertNotIn("Authorization", seen[0])
        self.assertNotIn("X-Kiln-Execution", seen[0])

    def test_unsafe_manifest_paths_are_refused(self):
        self.kiln.add_dataset("evil", 1, {"../escape.txt": b"x"})
        with self.assertRaisesRegex(kiln.KilnError, "must not contain '..'"):
            kiln.dataset("evil")
        self.assertEqual(self.kiln.paths("GET", "/api/datasets/"), [])
        self.assertFalse((Path(self.home.name) / ".cache/kiln/datasets/escape.txt").exists())

    def test_unknown_dataset_is_a_404(self):
        with self.assertRaisesRegex(kiln.KilnError, r"^kiln: no dataset nope \(HTTP 404\)$"):
            kiln.dataset("nope")

    def test_save_dataset_uploads_a_folder(self):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "sub" / "deeper").mkdir(parents=True)
            (Path(d) / "a.csv").write_text("x\n1\n")
            (Path(d) / "sub" / "b.csv").write_text("y\n2\n")
            (Path(d) / "sub" / "deeper" / "c d.txt").write_bytes(b"\x00\x01")
            version = kiln.save_dataset("clean", d, checks={"rows": [1, 10]}, message="first")
            self.assertEqual(version, 1)
            self.kiln.fail_checks = True
            err = io.StringIO()
            with redirect_stderr(err):
                self.assertEqual(kiln.save_dataset("clean", Path(d) / "a.csv"), 2)
        upload = self.kiln.uploads["up-1"]
        self.assertEqual(upload["body"], {"checks": {"rows": [1, 10]}, "message": "first"})
        self.assertEqual(upload["files"], {"a.csv": b"x\n1\n", "sub/b.csv": b"y\n2\n", "sub/deeper/c d.txt": b"\x00\x01"})
        self.assertIn("/api/datasets/clean/uploads/up-1/files/sub/deeper/c%20d.txt", self.kiln.paths("PUT"))
        self.assertEqual(self.kiln.uploads["up-2"]["files"], {"a.csv": b"x\n1\n"})
        self.assertIn("version 2 failed its checks: max_null_ratio: petal_width: null ratio 0.2 > 0.05",
                      err.getvalue())
        self.assertNotIn("rows", err.getvalue())
        self.assertEqual({ex for _, _, _, ex in self.kiln.requests}, {"cell-1"})


def _closed_port_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


if __name__ == "__main__":
    unittest.main()
