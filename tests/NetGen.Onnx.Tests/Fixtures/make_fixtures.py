"""Writes the ONNX fixtures of tests/NetGen.Onnx.Tests with torch.onnx.export, with inputs and PyTorch's outputs.

Run with Debian's python (PyTorch 1.13: `apt-get install -y python3-torch`), from anywhere:

    /usr/bin/python3 tests/NetGen.Onnx.Tests/Fixtures/make_fixtures.py

For each fixture NAME it writes NAME.onnx, NAME.input.bin and NAME.output.bin: float32 little-endian, the batch of
inputs row-major and PyTorch's outputs for them (eval mode). The same seed always gives the same files. The
fixtures are committed, so that the tests need no Python.
"""
import io
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 4


class MatMulLinear(nn.Module):
    """A linear layer written as x @ W^T + b, which the exporter writes as MatMul + Add instead of Gemm."""

    def __init__(self, inputs, outputs):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outputs, inputs) * (1.0 / inputs ** 0.5))
        self.bias = nn.Parameter(torch.randn(outputs) * 0.1)

    def forward(self, x):
        return torch.matmul(x, self.weight.t()) + self.bias


class ViewFlatten(nn.Module):
    """x.view(x.size(0), -1): the exporter writes Shape, Gather, Unsqueeze, Concat and Reshape."""

    def forward(self, x):
        return x.view(x.size(0), -1)


class Residual(nn.Module):
    """y = relu(block(x) + shortcut(x)); the shortcut is the identity or a strided 1x1 convolution without bias."""

    def __init__(self, channels_in, channels_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(channels_in, channels_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels_out)
        self.conv2 = nn.Conv2d(channels_out, channels_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels_out)
        self.project = None
        if stride != 1 or channels_in != channels_out:
            self.project = nn.Conv2d(channels_in, channels_out, 1, stride=stride, bias=False)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.project is None else self.project(x)))


def randomize_batch_norm(model):
    """Running statistics and affine parameters away from their initial values, so the import must read them."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def fixtures():
    torch.manual_seed(13)
    yield "mlp_gemm", nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 12), nn.Tanh(), nn.Linear(12, 4)), (8,), 13, {}
    yield "mlp_matmul", nn.Sequential(MatMulLinear(8, 16), nn.Sigmoid(), MatMulLinear(16, 3)), (8,), 13, {}
    yield "mlp_activations", nn.Sequential(
        nn.Linear(6, 10), nn.LeakyReLU(0.2), nn.Linear(10, 10), nn.ELU(0.7), nn.Linear(10, 10), nn.Softplus(),
        nn.Dropout(0.3), nn.Linear(10, 5), nn.Softmax(dim=1)), (6,), 13, {}
    for opset in range(11, 18):
        yield f"mlp_opset{opset}", nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3), nn.LogSoftmax(dim=1)), (5,), opset, {}
    yield "lenet5", nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)), (1, 28, 28), 13, {}
    yield "cnn_view_flatten", nn.Sequential(
        nn.Conv2d(2, 4, 3), nn.ReLU(), nn.AvgPool2d(2), ViewFlatten(), nn.Linear(4 * 4 * 4, 5)), (2, 10, 10), 11, {}
    yield "conv_variants", nn.Sequential(
        nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(4, 5, 3, padding=2, dilation=2), nn.Tanh(),
        nn.Conv2d(5, 6, (3, 5), padding=0, bias=False), nn.Sigmoid(),
        nn.MaxPool2d(2, stride=1), nn.Flatten(), nn.Linear(6 * 4 * 2, 3)), (3, 13, 13), 13, {}
    yield "avgpool_include_pad", nn.Sequential(nn.Conv2d(1, 2, 3), nn.AvgPool2d(2, count_include_pad=True), nn.Flatten()), (1, 10, 10), 13, {}
    yield "avgpool_exclude_pad", nn.Sequential(nn.Conv2d(1, 2, 3), nn.AvgPool2d(2, count_include_pad=False), nn.Flatten()), (1, 10, 10), 13, {}
    yield "pool_ceil_exact", nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2, ceil_mode=True), nn.AvgPool2d(2, ceil_mode=True), nn.Flatten()), (1, 10, 10), 13, {}
    resnet = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        Residual(8, 8, 1), Residual(8, 16, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(16, 10))
    randomize_batch_norm(resnet)
    yield "resnet_bn", resnet, (1, 12, 12), 13, {}
    # The same network exported in training form (batch norm kept as BatchNormalization nodes, not fused into the convolutions).
    yield "resnet_bn_unfused", resnet, (1, 12, 12), 13, {"training": torch.onnx.TrainingMode.PRESERVE, "do_constant_folding": False}
    mlp_bn = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
    randomize_batch_norm(mlp_bn)
    yield "mlp_batchnorm", mlp_bn, (6,), 13, {}
    # Unsupported by NetGen: each test expects a diagnostic naming the node.
    yield "unsupported_avgpool_padding", nn.Sequential(nn.AvgPool2d(3, stride=2, padding=1), nn.Flatten()), (1, 8, 8), 13, {}
    yield "unsupported_ceil_mode", nn.Sequential(nn.MaxPool2d(2, ceil_mode=True), nn.Flatten()), (1, 7, 7), 13, {}
    yield "unsupported_operator", nn.Sequential(nn.Linear(4, 4), nn.Hardswish()), (4,), 14, {}
    yield "unsupported_asymmetric_padding", nn.Sequential(nn.Conv2d(1, 2, 3, padding=(1, 2)), nn.Flatten()), (1, 6, 6), 13, {}
    # Unsupported files rather than nodes (the examples of docs/diagnostics.md): an operator set below 11, and a feature
    # dimension that is symbolic like the batch.
    yield "unsupported_opset10", nn.Sequential(nn.Linear(4, 3)), (4,), 10, {}
    yield "unsupported_dynamic_features", nn.Sequential(nn.Linear(4, 3)), (4,), 13, {
        "dynamic_axes": {"input": {0: "batch", 1: "features"}, "output": {0: "batch"}}}


def write_floats(path, tensor):
    data = tensor.detach().contiguous().view(-1).tolist()
    with open(path, "wb") as f:
        f.write(struct.pack("<%df" % len(data), *data))


def main():
    for name, model, shape, opset, options in fixtures():
        model.eval()
        generator = torch.Generator().manual_seed(sum(map(ord, name)))
        x = torch.rand((BATCH,) + shape, generator=generator) * 2 - 1
        with torch.no_grad():
            y = model(x)
        buffer = io.BytesIO()
        options = {"dynamic_axes": {"input": {0: "batch"}, "output": {0: "batch"}}, **options}
        torch.onnx.export(model, x, buffer, opset_version=opset, input_names=["input"], output_names=["output"], **options)
        with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
            f.write(buffer.getvalue())
        write_floats(os.path.join(HERE, name + ".input.bin"), x)
        write_floats(os.path.join(HERE, name + ".output.bin"), y)
        print(f"{name}: opset {opset}, input {list(x.shape)}, output {list(y.shape)}, {len(buffer.getvalue())} bytes")


if __name__ == "__main__":
    main()
