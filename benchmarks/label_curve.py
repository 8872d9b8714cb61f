"""How much labels buy: the real-only downstream model of stage 05 (same blocks, crops, budget and seeds) trained at
several label fractions, scored on each scene's test stripe. The 100 % row is the ceiling that no synthetic data
at a lower fraction can be expected to pass; the gap between a fraction and 100 % is the room a synthetic
condition has to show a gain in. Segmentation scenes report mIoU, change scenes changed-class F1.

    HSINB_DATA=../shared/data python benchmarks/label_curve.py --scenes samson salinas_a
        [--fractions 0.05 0.1 0.25 1.0] [--seeds 0 1 2] [--steps 600] [--json FILE]

Band statistics come from each scene's training region (as stage 02 computes them); no VAE is needed.
"""
import argparse, json, tempfile, time
import numpy as np
import torch
from hsinb.cube import IGNORE, crop
from hsinb.datasets import load, make_splits, region_box, low_label_mask
from hsinb.downstream import AnchoredTiles, DownstreamConfig, fit, predict, seg_scores, cd_scores
from hsinb.datasets import scene_arrays
from hsinb.evaluate import aggregate, markdown_table
from hsinb.stages import cpu_name
from hsinb.datasets import scene_views, scene_band_stats, scene_classes

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--scenes", nargs="+", default=["samson", "salinas_a"])
p.add_argument("--fractions", type=float, nargs="+", default=[0.05, 0.1, 0.25, 1.0])
p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
p.add_argument("--steps", type=int, default=600)
p.add_argument("--json", help="also write the rows to this file")
a = p.parse_args()
t0 = time.time()
record = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpu": cpu_name(), "threads": torch.get_num_threads(),
          "steps": a.steps, "seeds": a.seeds, "scenes": {}}
for name in a.scenes:
    scene = load(name)
    kind = scene.attrs["kind"]
    key = "miou" if kind == "seg" else "f1"
    split = make_splits(scene.sizes["y"], scene.sizes["x"])
    tr, te = region_box(split, "train"), region_box(split, "test")
    views = scene_views(scene, scene_band_stats(scene, split.values == 0))
    ref, K = crop(views[0]["mask"], te), len(scene_classes(scene))
    full = scene["mask"] if kind == "seg" else scene["change"]
    rows = []
    for fraction in a.fractions:
        for s in a.seeds:
            lab = low_label_mask(full, split, fraction, 8, s).values.copy()
            lab[split.values != 0] = IGNORE
            real, lab_key = scene_arrays(kind, views, lab, tr)
            cfg = DownstreamConfig(steps=a.steps)
            tiles = AnchoredTiles(real, lab_key, tile=cfg.tile, length=cfg.steps * cfg.batch_size, seed=s,
                                  class_balanced=kind == "cd")  # as stage 05's real-only condition
            model, _ = fit(kind, tiles, views[0]["image"].shape[0], K, cfg, tempfile.mkdtemp(prefix="hsinb-curve-"),
                           seed=s, desc=f"{name} {fraction:g} seed {s}")
            pred = predict(model, [crop(v["image"], te) for v in views])
            scores = seg_scores(ref, pred, K) if kind == "seg" else cd_scores(ref, pred)
            scores = {m: v for m, v in scores.items() if isinstance(v, float)}
            rows.append({"fraction": fraction, "seed": s, "condition": "real only",
                         "labelled_px": int((real[lab_key] != IGNORE).sum()), **scores})
            print(f"{name} {fraction:g} seed {s}: {rows[-1]['labelled_px']} labelled px, {key} {scores[key]:.3f}")
    metrics = ["oa", "miou", "kappa"] if kind == "seg" else ["f1", "precision", "recall"]
    print(f"\n{name}: test stripe, seeds {a.seeds}, {a.steps} steps ({time.time() - t0:.0f} s so far)\n")
    print(markdown_table(aggregate(rows, metrics), metrics) + "\n")
    record["scenes"][name] = {"kind": kind, "rows": rows}
    if a.json:
        with open(a.json, "w") as f: json.dump(record, f, indent=1, default=float)
