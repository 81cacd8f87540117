"""Datasets: versions read into ~/.cache/kiln/datasets/<name>/<version>/, versions saved.

The cache keeps a manifest per version (``<name>/.<version>.manifest.json``, outside the
version's folder) with each file's size, sha256 and mtime: a file still matching its entry
is not hashed again.
"""

import hashlib
import json
import operator
import os
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

from . import _client, _context
from ._artifacts import clean_path, local_files
from ._client import KilnError, quote_path

_lock = threading.Lock()  # one dataset() at a time in this process


def cache_root():
    """Where downloaded versions are kept: KILN_CACHE_DIR (a pipeline step, whose home is
    read-only), else ~/.cache/kiln/datasets."""
    configured = os.environ.get("KILN_CACHE_DIR", "").strip()
    return Path(configured) if configured else Path.home() / ".cache" / "kiln" / "datasets"


def _segment(name):
    """A dataset name as one URL segment, also its folder's name in the cache."""
    if not isinstance(name, str) or name.strip() in ("", ".", ".."):
        raise KilnError(f"kiln: {name!r} is not a dataset name")
    return urllib.parse.quote(name, safe="")


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_client.CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _load_manifest(path):
    try:
        with open(path, encoding="utf-8") as f:
            files = json.load(f).get("files")
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def _write_atomically(path, data):
    fd, tmp = tempfile.mkstemp(prefix=".kiln-part-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _download(url, execution, dest, size, sha256, label):
    """Streams one file into a temporary name beside ``dest``, checks it, renames it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kiln-part-", dir=dest.parent)
    try:
        h, n = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out, _client.request("GET", url, execution, raw=True) as response:
            while chunk := _client.read(response, _client.CHUNK):
                n += len(chunk)
                if n > size:
                    break
                h.update(chunk)
                out.write(chunk)
        if n != size or h.hexdigest() != sha256:
            raise KilnError(f"kiln: {label} arrived corrupted (expected {size} bytes with sha256 "
                            f"{sha256}, got {'more' if n > size else n} bytes"
                            f"{'' if n != size else ' with sha256 ' + h.hexdigest()}); nothing was "
                            "kept: call kiln.dataset() again")
        os.replace(tmp, dest)
    except BaseException:
        _unlink(tmp)
        raise


def dataset(name, version=None):
    """Downloads (once) a version of a dataset and returns its local folder as a str."""
    segment = _segment(name)
    if version is not None:
        version = _version(version)
    execution = _context.execution_id()
    with _lock:
        answer = _client.request("GET", f"/api/kernel/datasets/{segment}", execution,
                                 query={"version": version})
        try:
            resolved = _version(answer["version"])
            files = [(clean_path(f["path"], "dataset file path"), int(f["size"]),
                      str(f["sha256"]).lower()) for f in answer.get("files") or []]
        except (KeyError, TypeError, ValueError) as e:
            raise KilnError(f"kiln: unexpected answer from Kiln for dataset {name!r}: {e}") from None
        try:
            return _fetch(name, segment, resolved, files, execution)
        except OSError as e:
            raise KilnError(f"kiln: cannot write the dataset cache in {cache_root()}: {e}") from None


def _version(value):
    try:
        number = operator.index(value)
    except TypeError:
        number = None
    if number is None or isinstance(value, bool) or number < 1:
        raise KilnError(f"kiln: a dataset version is an integer >= 1, not {value!r}")
    return number


def _fetch(name, segment, version, files, execution):
    base = cache_root() / segment
    folder = base / str(version)
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = base / f".{version}.manifest.json"
    manifest = _load_manifest(manifest_path)
    kept, done = {}, set()
    try:
        for path, size, sha256 in files:
            dest = folder / path
            done.add(path)
            entry = manifest.get(path) or {}
            try:
                st = os.stat(dest)
            except FileNotFoundError:
                st = None
            if st is not None:
                known = (entry.get("sha256") == sha256 and entry.get("size") == size == st.st_size
                         and entry.get("mtime_ns") == st.st_mtime_ns)
                if known or (st.st_size == size and _sha256_file(dest) == sha256):
                    kept[path] = {"size": size, "sha256": sha256, "mtime_ns": st.st_mtime_ns}
                    continue
                os.unlink(dest)  # not that version's file: never left looking valid
            url = f"/api/datasets/{segment}/versions/{version}/files/{quote_path(path)}"
            _download(url, execution, dest, size, sha256, f"dataset {name!r} version {version}: {path}")
            kept[path] = {"size": size, "sha256": sha256, "mtime_ns": os.stat(dest).st_mtime_ns}
    finally:  # also after a failure: what was verified need not be hashed again
        wanted = {path for path, _, _ in files}
        entries = {p: e for p, e in manifest.items() if p in wanted and p not in done}
        entries.update(kept)
        if entries != manifest:
            try:  # best effort: without it the next call hashes the files again
                _write_atomically(manifest_path, json.dumps(
                    {"dataset": name, "version": version, "files": entries}).encode("utf-8"))
            except OSError:
                pass
    return str(folder)


def save_dataset(name, path, checks=None, message=None):
    """Uploads a file or a folder as a new version of a dataset; returns the version."""
    segment = _segment(name)
    local = os.fspath(path)
    if os.path.isdir(local):
        files = [(f, clean_path(rel, "file path")) for f, rel in local_files(local)]
    elif os.path.isfile(local):
        files = [(local, clean_path(os.path.basename(local), "file path"))]
    else:
        raise KilnError(f"kiln: {local} is not a file or a folder")
    if not files:
        raise KilnError(f"kiln: {local} holds no file to save")
    if checks is not None and not isinstance(checks, dict):
        raise KilnError(f"kiln: checks must be a dict, not {type(checks).__name__}")
    body = {}
    if checks is not None:
        body["checks"] = checks
    if message is not None:
        body["message"] = str(message)
    try:
        body = _client.dumps(body)
    except (TypeError, ValueError) as e:
        raise KilnError(f"kiln: checks must be JSON values: {e}") from None
    execution = _context.execution_id()
    uploads = f"/api/datasets/{segment}/uploads"
    upload_id = _client.request("POST", uploads, execution, json_body=body).get("upload_id")
    if not upload_id:
        raise KilnError(f"kiln: Kiln answered no upload_id for dataset {name!r}")
    upload = f"{uploads}/{urllib.parse.quote(str(upload_id), safe='')}"
    for local_file, rel in files:
        _client.upload(f"{upload}/files/{quote_path(rel)}", execution, local_file)
    answer = _client.request("POST", f"{upload}/commit", execution, json_body={}, timeout=600)
    try:
        version = _version(answer["version"])
    except (KeyError, TypeError):
        raise KilnError(f"kiln: Kiln answered no version for dataset {name!r}") from None
    result = answer.get("checks") or {}
    if isinstance(result, dict) and result.get("status") == "failed":
        failed = ", ".join(_failed(result.get("results"))) or "see the dataset's page"
        print(f"kiln: warning: dataset {name!r} version {version} failed its checks: {failed}",
              file=sys.stderr, flush=True)
    return version


def _failed(results):
    """Short descriptions of the failed entries of checks.results."""
    out = []
    for r in results if isinstance(results, list) else []:
        if isinstance(r, str):
            out.append(r)
            continue
        if not isinstance(r, dict):
            continue
        if not (r.get("status") in ("failed", "fail", "error") or r.get("passed") is False
                or r.get("ok") is False):
            continue
        label = r.get("check") or r.get("name") or r.get("type") or "check"
        if r.get("column"):
            label = f"{label} ({r['column']})"
        detail = r.get("message") or r.get("detail")
        out.append(f"{label}: {detail}" if detail else str(label))
    return out
