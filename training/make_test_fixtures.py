"""Tiny ONNX graphs for the model-loading tests (a few hundred bytes each, committed).

    /usr/bin/python3 training/make_test_fixtures.py

tiny-atoms.onnx      [N,1,H,W] -> 1x1 conv -> [N,4,H,W] "logits": a well-formed (untrained) atoms model
three-classes.onnx   same, but 3 output channels: must not load as a 4-class atoms model
half-resolution.onnx 4 channels at stride 2: the output is not one value per pixel
fixed-64.onnx        4 channels, input fixed at 64 x 64
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "apps", "orchestrator", "src", "vision", "testing", "fixtures")


def conv_model(path, classes, stride=1, size=None):
    rng = np.random.default_rng(0)
    weight = numpy_helper.from_array(rng.normal(size=(classes, 1, 1, 1)).astype(np.float32), "w")
    bias = numpy_helper.from_array(np.zeros(classes, np.float32), "b")
    h = size if size else "height"
    w = size if size else "width"
    out_h = size // stride if size else "out_height"
    out_w = size // stride if size else "out_width"
    node = helper.make_node("Conv", ["image", "w", "b"], ["logits"], kernel_shape=[1, 1], strides=[stride, stride])
    graph = helper.make_graph(
        [node], "fixture",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, h, w])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", classes, out_h, out_w])],
        [weight, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_test_fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, path))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    conv_model("tiny-atoms.onnx", 4)
    conv_model("three-classes.onnx", 3)
    conv_model("half-resolution.onnx", 4, stride=2)
    conv_model("fixed-64.onnx", 4, size=64)
    print("fixtures written to", os.path.normpath(OUT))
