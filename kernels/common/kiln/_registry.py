"""The model registry: POST /api/kernel/models registers a model this run logged."""

from . import _client, _context, _tracking
from ._client import KilnError


def register_model(name, artifact=None, description=None):
    """Registers a model logged by this run (``kiln.log_model``) as the next version of
    your model ``name`` (made on first use) and returns that version's number.

    ``artifact``: the name the model was logged under, or its path in the run; it may be
    left out when the run logged one model. The run's metrics, flushed first, are kept
    with the version, with its lineage (notebook revision, image digest, dataset versions).
    """
    if not isinstance(name, str) or not name.strip():
        raise KilnError(f"kiln: the model name must be a non-empty string, not {name!r}")
    _tracking.tracker.flush()  # the version keeps the run's metrics as they stand now
    body = {"name": name}
    if artifact is not None:
        body["artifact"] = str(artifact)
    if description is not None:
        body["description"] = str(description)
    answer = _client.request("POST", "/api/kernel/models", _context.execution_id(), json_body=body)
    return answer["registered"]["version"]
