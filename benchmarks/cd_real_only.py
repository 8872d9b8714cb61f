"""What the change-detection choices of stage 05 add to the real-only `ChangeNet`: the difference-of-dates branch
(`DownstreamConfig.diff_input`) and class-balanced crop anchors (`AnchoredTiles(class_balanced=True)`), each on and
off, and both with CVA's confident pixels as extra labels (`cva_pseudo_labels`, variant "cva"), on the same
low-label blocks and budget as stage 05's cells, beside the CVA floor. Prints F1 / precision /
recall of the changed class on each scene's test stripe, mean ± std over the seeds.

    HSINB_DATA=../shared/data python benchmarks/cd_real_only.py [--scenes taizhou oscd:bercy oscd:paris]
        [--fraction 0.1] [--seeds 0 1 2] [--steps 600] [--variants plain diff balanced both]

Band statistics come from each scene's training region (as stage 02 computes them); no VAE is needed.
"""
import argparse, tempfile, time
import numpy as np
from hsinb.cube import IGNORE
from hsinb.datasets import load, make_splits, region_box, low_label_mask
from hsinb.downstream import (AnchoredTiles, DownstreamConfig, fit, predict, cd_scores, cva_otsu, cva_pseudo_labels,
                              scene_arrays)
from hsinb.evaluate import aggregate, markdown_table
from hsinb.vae import scene_views, scene_band_stats
from hsinb.cube import crop

VARIANTS = {"plain": dict(diff_input=False, balanced=False), "diff": dict(diff_input=True, balanced=False),
            "balanced": dict(diff_input=False, balanced=True), "both": dict(diff_input=True, balanced=True),
            "cva": dict(diff_input=True, balanced=True, cva_seeded=True)}
p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--scenes", nargs="+", default=["taizhou", "oscd:bercy", "oscd:paris"])
p.add_argument("--fraction", type=float, default=0.1)
p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
p.add_argument("--steps", type=int, default=600)
p.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
a = p.parse_args()
t0 = time.time()
for name in a.scenes:
    scene = load(name)
    if scene.attrs["kind"] != "cd": raise SystemExit(f"{name!r} is not a change scene")
    split = make_splits(scene.sizes["y"], scene.sizes["x"])
    tr, te = region_box(split, "train"), region_box(split, "test")
    views = scene_views(scene, scene_band_stats(scene, split.values == 0))
    ref = crop(views[0]["mask"], te)
    C = views[0]["image"].shape[0]
    floor = cd_scores(ref, crop(cva_otsu(views[0]["image"], views[1]["image"]), te))
    rows = []
    for s in a.seeds:
        lab = low_label_mask(scene["change"], split, a.fraction, 8, s).values.copy()
        lab[split.values != 0] = IGNORE
        real, key = scene_arrays("cd", views, lab, tr)
        region = split.values == 0
        seeded, cinfo = cva_pseudo_labels(views[0]["image"], views[1]["image"], lab, region)
        rows.append({"fraction": a.fraction, "seed": s, "condition": "CVA floor (no labels)", **floor})
        for v in a.variants:
            opt = VARIANTS[v]
            cfg = DownstreamConfig(steps=a.steps, diff_input=opt["diff_input"])
            arrays = {**real, key: crop(seeded, tr)} if opt.get("cva_seeded") else real
            if opt.get("cva_seeded") and not cinfo["used"]: continue  # CVA not confirmed by the blocks: as "both"
            ds = AnchoredTiles(arrays, key, tile=cfg.tile, length=cfg.steps * cfg.batch_size, seed=s,
                               class_balanced=opt["balanced"])
            m, _ = fit("cd", ds, C, 2, cfg, tempfile.mkdtemp(prefix="hsinb-cd-"), seed=s, desc=f"{name} {v} seed {s}")
            rows.append({"fraction": a.fraction, "seed": s, "condition": f"real only, {v}",
                         **cd_scores(ref, predict(m, [crop(x["image"], te) for x in views]))})
        n_ch = int((real[key] == 1).sum())
        print(f"{name} seed {s}: {n_ch} changed of {int((real[key] != IGNORE).sum())} labelled px; CVA F1 on them "
              f"{cinfo['cva_f1_on_labels']:.3f}{'' if cinfo['used'] else ' (not used)'}; " +
              ", ".join(f"{r['condition']} F1 {r['f1']:.3f}" for r in rows if r["seed"] == s))
    print(f"\n{name}: test stripe, {a.fraction:g} labels, seeds {a.seeds}, {a.steps} steps ({time.time() - t0:.0f} s so far)\n")
    print(markdown_table(aggregate(rows, ["f1", "precision", "recall"]), ["f1", "precision", "recall"]) + "\n")
