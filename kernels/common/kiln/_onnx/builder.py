"""A tiny ONNX graph builder: unique tensor names under a prefix, constants, nodes."""

import onnx
from onnx import TensorProto, helper, numpy_helper

import numpy as np

OPSET = 17   # the newest the onnx 1.12 in the images writes; onnxruntime-node runs it
ML_OPSET = 3
IR_VERSION = 8

DOUBLE, FLOAT, INT64, STRING, BOOL = (TensorProto.DOUBLE, TensorProto.FLOAT, TensorProto.INT64,
                                      TensorProto.STRING, TensorProto.BOOL)


class Builder:
    """Collects nodes and initializers; every name it makes starts with ``prefix`` so two
    graphs built separately can be merged without clashes."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.nodes, self.initializers = [], []
        self.count = 0

    def name(self, hint):
        self.count += 1
        return f"{self.prefix}{hint}_{self.count}"

    def const(self, value, dtype=np.float64, hint="c"):
        """An initializer holding ``value`` (numbers as ``dtype``; a str or list of str as strings)."""
        name = self.name(hint)
        if isinstance(value, str) or (isinstance(value, (list, tuple)) and value and isinstance(value[0], str)):
            values = [value] if isinstance(value, str) else list(value)
            dims = [] if isinstance(value, str) else [len(values)]
            tensor = helper.make_tensor(name, STRING, dims, [v.encode("utf-8") for v in values])
        else:
            tensor = numpy_helper.from_array(np.asarray(value, dtype=dtype), name)
        self.initializers.append(tensor)
        return name

    def op(self, op_type, inputs, hint=None, outputs=1, domain="", out=None, **attrs):
        """Adds a node; returns its output name (or a list when outputs > 1). ``out`` names
        the single output exactly (a graph output)."""
        names = [out] if out else [self.name(hint or op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, list(inputs), names, name=self.name(op_type),
                                           domain=domain, **attrs))
        return names[0] if outputs == 1 else names

    def ml(self, op_type, inputs, hint=None, outputs=1, **attrs):
        return self.op(op_type, inputs, hint, outputs, domain="ai.onnx.ml", **attrs)

    def model(self, inputs, outputs, opset=OPSET, ml_opset=ML_OPSET, ir_version=IR_VERSION, name="kiln"):
        """A ModelProto of the collected nodes; inputs/outputs are ValueInfoProtos."""
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.initializers)
        model = helper.make_model(graph, producer_name="kiln", opset_imports=[
            helper.make_opsetid("", opset), helper.make_opsetid("ai.onnx.ml", ml_opset)])
        model.ir_version = ir_version
        return model


def value_info(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


def check(model):
    # full_check wrongly fails on some ai.onnx.ml ops in onnx 1.12 (ENVIRONMENT.md)
    onnx.checker.check_model(model)
    return model
