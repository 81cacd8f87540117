"""An ONNX model from elsewhere (e.g. torch.onnx.export) with a kiln prep in front: the
prep's [N,F] features, cast to the model's input type, feed its single input."""

import onnx
import onnx.compose
from onnx import helper

from .._client import KilnError
from . import prep_graph, set_metadata
from .builder import DOUBLE, FLOAT, Builder, check, value_info

PREFIX = "model/"


def compile(model, prep):
    initializers = {i.name for i in model.graph.initializer}
    real = [i for i in model.graph.input if i.name not in initializers]
    if len(real) != 1:
        raise KilnError(f"kiln: a prep can feed an ONNX model with one input, not {[i.name for i in real]}")
    tensor = real[0].type.tensor_type
    if tensor.elem_type not in (FLOAT, DOUBLE):
        raise KilnError(f"kiln: the ONNX model's input {real[0].name!r} must be float or double")
    dims = tensor.shape.dim
    n_features = len(prep.feature_names)
    if len(dims) != 2 or (dims[1].HasField("dim_value") and dims[1].dim_value != n_features):
        shape = [d.dim_value or d.dim_param for d in dims]
        raise KilnError(f"kiln: the ONNX model's input has shape {shape}; the prep makes [N, {n_features}]")
    opsets = {o.domain or "": o.version for o in model.opset_import}
    opset = opsets.get("", opsets.get("ai.onnx", 0))
    if not 13 <= opset <= 17:
        raise KilnError(f"kiln: a prep joins ONNX models of opset 13 to 17; this one has {opset} (export with opset_version=17)")
    ml_opset = opsets.get("ai.onnx.ml", 3)
    if ml_opset < 2:
        raise KilnError("kiln: a prep joins ONNX models of ai.onnx.ml opset 2 or later")
    clashes = sorted({o.name for o in model.graph.output} & {n for n, _ in prep.columns})
    if clashes:
        raise KilnError(f"kiln: columns named {clashes} clash with the model's output names")

    pb = Builder("prep/")
    inputs, features = prep_graph.build(pb, prep)
    features = prep_graph.cast_to(pb, features, tensor.elem_type)
    front = pb.model(inputs, [value_info(features, tensor.elem_type, ["N", n_features])],
                     opset=opset, ml_opset=ml_opset, ir_version=model.ir_version, name="prep")

    # Prefix every name of the model so none clashes with a column, then give its outputs
    # their own names back.
    back = onnx.compose.add_prefix(model, PREFIX)
    for out in back.graph.output:
        original = out.name[len(PREFIX):]
        back.graph.node.append(helper.make_node("Identity", [out.name], [original], name=PREFIX + "out/" + original))
        out.name = original
    merged = onnx.compose.merge_models(front, back, io_map=[(features, PREFIX + real[0].name)])
    merged.producer_name = "kiln"
    return check(set_metadata(merged, prep))
