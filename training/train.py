"""Train a small segmenter on labelled twin frames and export it to ONNX with its model card.

    /usr/bin/python3 training/train.py --task stem --data training/.cache/data --out models

Reads <task>-images.f32, <task>-masks.u8 and <task>-index.json written by generate-data.ts. The
last `--val-frames` frames are held out for validation; the benchmark uses other seeds again.
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from model import FoldUNet, export_onnx

TASKS = {
    # Atom columns: classes in ATOM_CLASSES order; vacancies are rare and matter most, so they weigh more.
    "stem": {
        "name": "stem-atoms",
        "vision_task": "atoms",
        "classes": ["background", "species_a", "species_b", "vacancy"],
        "class_weights": [1.0, 1.5, 1.5, 4.0],
        "normalization": {"kind": "zscore"},
        # Rows carry scan-line jitter and shear, so 90-degree turns would make unphysical images; flips are fine.
        "rotate": False,
        "source": "HAADF STEM image in detector counts",
        "limitations": "Trained on the digital twin only: HAADF at 0.03-0.065 nm/px, the twin's probe (0.06 nm), Poisson noise and scan-line jitter and shear, perovskite projection with A (Sr/La) and B (Ti) columns. Not for bright-field images or other pixel sizes without retraining.",
        "steps": 1200,
        "pixel_size_nm": {"min": 0.03, "max": 0.065},
    },
    # PFM phase in degrees: up near 0, down near 180, so a fixed map to about [-1, 1].
    "pfm": {
        "name": "pfm-domains",
        "vision_task": "domains",
        "classes": ["domain_up", "domain_down", "wall"],
        "class_weights": [1.0, 1.0, 3.0],
        "normalization": {"kind": "fixed", "mean": 90.0, "std": 90.0},
        "rotate": True,
        "source": "PFM phase channel in degrees",
        "limitations": "Trained on the digital twin only: PFM phase in degrees with up-polarized domains near 0 and down near 180, domains 8-80 px across. On clean phase images a plain threshold is as good or slightly better; the model pays off on weak signals.",
        "steps": 800,
        "pixel_size_nm": None,
    },
}


def load(data_dir, task):
    index = json.load(open(os.path.join(data_dir, f"{task}-index.json")))
    n, px = index["frames"], index["pixels"]
    images = np.fromfile(os.path.join(data_dir, f"{task}-images.f32"), dtype=np.float32).reshape(n, px, px)
    masks = np.fromfile(os.path.join(data_dir, f"{task}-masks.u8"), dtype=np.uint8).reshape(n, px, px)
    return index, images, masks


def normalize(images, spec):
    """Whole-frame normalization, exactly as vision/src/image/normalize.ts does it at inference."""
    if spec["kind"] == "zscore":
        mean = images.mean(axis=(1, 2), keepdims=True, dtype=np.float64)
        std = images.std(axis=(1, 2), keepdims=True, dtype=np.float64)
        return ((images - mean) / np.where(std > 0, std, 1)).astype(np.float32)
    return ((images - spec["mean"]) / spec["std"]).astype(np.float32)


def batches(images, masks, crop, batch, rotate, rng):
    n, px, _ = images.shape
    while True:
        idx = rng.integers(0, n, batch)
        ys = rng.integers(0, px - crop + 1, batch)
        xs = rng.integers(0, px - crop + 1, batch)
        x = np.stack([images[i, y:y + crop, c:c + crop] for i, y, c in zip(idx, ys, xs)])
        m = np.stack([masks[i, y:y + crop, c:c + crop] for i, y, c in zip(idx, ys, xs)])
        flip_x = rng.random(batch) < 0.5
        flip_y = rng.random(batch) < 0.5
        x[flip_x] = x[flip_x, :, ::-1]
        m[flip_x] = m[flip_x, :, ::-1]
        x[flip_y] = x[flip_y, ::-1, :]
        m[flip_y] = m[flip_y, ::-1, :]
        if rotate:
            k = int(rng.integers(0, 4))
            x = np.rot90(x, k, axes=(1, 2))
            m = np.rot90(m, k, axes=(1, 2))
        yield torch.from_numpy(np.ascontiguousarray(x)[:, None]), torch.from_numpy(np.ascontiguousarray(m).astype(np.int64))


def iou_per_class(model, images, masks, classes):
    """Pixel IoU per class over whole validation frames (frames cropped to a multiple of 16)."""
    model.eval()
    inter = np.zeros(classes)
    union = np.zeros(classes)
    correct = 0
    total = 0
    with torch.no_grad():
        for i in range(0, len(images), 8):
            x = torch.from_numpy(images[i:i + 8, :128, :128][:, None].copy())
            pred = model(x).argmax(1).numpy()
            truth = masks[i:i + 8, :128, :128]
            for k in range(classes):
                inter[k] += np.sum((pred == k) & (truth == k))
                union[k] += np.sum((pred == k) | (truth == k))
            correct += np.sum(pred == truth)
            total += truth.size
    model.train()
    return (inter / np.maximum(union, 1)).tolist(), correct / total


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", choices=TASKS, required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, help="optimizer steps (default per task); a step count, not a time budget, keeps runs reproducible")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--crop", type=int, default=128)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--val-frames", type=int, default=96)
    p.add_argument("--version", default="v1")
    p.add_argument("--widths", type=int, nargs=3, default=[24, 32, 48])
    args = p.parse_args()

    spec = TASKS[args.task]
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    index, images, masks = load(args.data, args.task)
    images = normalize(images, spec["normalization"])
    train_x, val_x = images[:-args.val_frames], images[-args.val_frames:]
    train_m, val_m = masks[:-args.val_frames], masks[-args.val_frames:]

    classes = len(spec["classes"])
    model = FoldUNet(classes, fold=4, widths=tuple(args.widths))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    weights = torch.tensor(spec["class_weights"])
    stream = batches(train_x, train_m, args.crop, args.batch, spec["rotate"], rng)

    total_steps = args.steps or spec["steps"]
    started = time.time()
    loss_avg = None
    for step in range(total_steps):
        # Linear warm-up over 50 steps, then cosine decay to zero.
        warm = min(1.0, (step + 1) / 50)
        for group in optimizer.param_groups:
            group["lr"] = args.lr * warm * 0.5 * (1 + math.cos(math.pi * step / total_steps))
        x, y = next(stream)
        loss = F.cross_entropy(model(x), y, weight=weights)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_avg = loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * loss.item()
        if (step + 1) % 100 == 0:
            print(f"step {step + 1}/{total_steps} loss {loss_avg:.4f} {time.time() - started:.0f} s", flush=True)

    iou, accuracy = iou_per_class(model, val_x, val_m, classes)
    minutes = (time.time() - started) / 60
    print("validation IoU", dict(zip(spec["classes"], [round(v, 4) for v in iou])), "pixel accuracy", round(accuracy, 4))

    name = f"{spec['name']}-{args.version}"
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, f"{name}.onnx")
    export_onnx(model, onnx_path)
    card = {
        "schema": "lab.vision.model-card/v1",
        "name": name,
        "task": spec["vision_task"],
        "file": f"{name}.onnx",
        "sha256": sha256(onnx_path),
        "description": f"Small U-Net-style segmenter ({sum(p.numel() for p in model.parameters())} parameters) for {spec['source']}, trained on digital-twin frames.",
        "input": {
            "name": "image",
            "channels": 1,
            "heightPx": None,
            "widthPx": None,
            "multipleOfPx": model.multiple_of,
            "normalization": spec["normalization"],
            "source": spec["source"],
            **({"pixelSizeNm": spec["pixel_size_nm"]} if spec["pixel_size_nm"] else {}),
        },
        "output": {"name": "logits", "activation": "logits", "classes": spec["classes"]},
        "tiling": {"tilePx": 512, "overlapPx": 64},
        "training": {
            "command": f"bash training/train.sh {args.task}",
            "framework": f"torch {torch.__version__}, onnx opset 13",
            "data": f"{index['frames'] - args.val_frames} twin frames of {index['pixels']} px (seeds {index['firstSeed']}..{index['firstSeed'] + index['frames'] - args.val_frames - 1}), {args.crop} px random crops, flips{' and 90-degree turns' if spec['rotate'] else ''}",
            "validation": f"{args.val_frames} held-out frames (seeds {index['firstSeed'] + index['frames'] - args.val_frames}..{index['firstSeed'] + index['frames'] - 1})",
            "seed": args.seed,
            "steps": total_steps,
            "batch": args.batch,
            "minutes": round(minutes, 1),
            "loss": "class-weighted cross-entropy " + json.dumps(dict(zip(spec["classes"], spec["class_weights"]))),
            "date": datetime.date.today().isoformat(),
        },
        "limitations": spec["limitations"],
        "metrics": {
            "validation": {"pixelAccuracy": round(accuracy, 4), "iou": dict(zip(spec["classes"], [round(v, 4) for v in iou]))},
        },
    }
    with open(os.path.join(args.out, f"{name}.card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes) and its card", flush=True)


if __name__ == "__main__":
    main()
