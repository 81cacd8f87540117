"""A PyTorch MLP exported with torch.onnx.export (opset 17), joined behind a kiln.prep by
kiln._onnx.compile_model. Writes torch_mlp.onnx and cases_torch.json into argv[1]: the raw
rows and torch's own output on prep.transform(rows) (float32, as the model runs)."""

import json
import os
import sys

import numpy as np
import torch

from kiln._onnx import compile_model
from kiln.prep import Prep
from make_models import _columns, frame, targets


def main(out):
    torch.manual_seed(0)
    rng = np.random.default_rng(11)
    train = frame(rng, 1000, ["paris", "oslo", "rome", "lima"])
    rows = frame(rng, 200, ["paris", "oslo", "rome", "lima", "atlantis"])
    _, _, y_multi = targets(train, rng)
    prep = (Prep().impute("median").clip(quantiles=(0.02, 0.98)).scale("standard")
            .one_hot().pca(0.95))
    X = torch.tensor(prep.fit_transform(train), dtype=torch.float32)
    y = torch.tensor(np.searchsorted(["high", "low", "mid"], y_multi))
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 32), torch.nn.ReLU(),
                              torch.nn.Linear(32, 3), torch.nn.Softmax(dim=1))
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(150):
        optimizer.zero_grad()
        loss = torch.nn.functional.nll_loss(torch.log(net(X) + 1e-9), y)
        loss.backward()
        optimizer.step()
    net.eval()
    path = os.path.join(out, "torch_mlp_plain.onnx")
    torch.onnx.export(net, X[:2], path, opset_version=17, input_names=["x"], output_names=["scores"],
                      dynamic_axes={"x": {0: "N"}, "scores": {0: "N"}})
    merged = compile_model(path, prep)  # the .onnx path, as log_model gets it
    with open(os.path.join(out, "torch_mlp.onnx"), "wb") as f:
        f.write(merged.SerializeToString())
    with torch.no_grad():
        scores = net(torch.tensor(prep.transform(rows), dtype=torch.float32)).numpy()
        rows32 = rows.apply(lambda c: c.astype(np.float32).astype(np.float64) if c.dtype.kind == "f" else c)
        scores32 = net(torch.tensor(prep.transform(rows32), dtype=torch.float32)).numpy()
    meta = {p.key: p.value for p in merged.metadata_props}
    with open(os.path.join(out, "cases_torch.json"), "w") as f:
        json.dump({"rows": _columns(rows), "metadata": meta, "scores": scores.tolist(),
                   "scores32": scores32.tolist(),
                   "features": len(prep.feature_names)}, f)


if __name__ == "__main__":
    main(sys.argv[1])
