"""What the change-detection choices of stage 05 add to the real-only `ChangeNet`: the difference-of-dates branch
(`DownstreamConfig.diff_input`) and class-balanced crop anchors (`AnchoredTiles(class_balanced=True)`), each on and
off, and both with CVA's confident pixels as extra labels (`cva_pseudo_labels`, variant "cva"), on the same
low-label blocks and budget as stage 05's cells, beside the CVA floor. Prints F1 / precision /
recall of the changed class on each scene's test stripe, mean ± std over the seeds, for each label fraction
(the label curve: how many labels a trained model needs to pass the floor). The floor is also printed on the
training and validation stripes, to show how much it depends on the stripe it is scored on.

`--repeats R` trains each variant R times on the same labelled blocks with training seeds s, s + 1000, ... (crop
order and initialisation change, the labels do not) and prints the spread within each label seed beside the spread
between label seeds: how much of a difference between two conditions of stage 05 the training alone can make.
The first repeat is the stage's own seed (stage 05 trains its models with the cell's seed).

    HSINB_DATA=../shared/data python benchmarks/cd_real_only.py [--scenes taizhou oscd:bercy oscd:paris]
        [--fractions 0.1] [--seeds 0 1 2] [--steps 600] [--variants plain diff balanced both] [--repeats 1]
        [--json FILE]

Band statistics come from each scene's training region (as stage 02 computes them); no VAE is needed.
"""
import argparse, json, tempfile, time
import numpy as np
import torch
from hsinb.cube import IGNORE
from hsinb.datasets import load, make_splits, region_box, low_label_mask
from hsinb.downstream import (AnchoredTiles, DownstreamConfig, fit, predict, cd_scores, cva_otsu, cva_pseudo_labels,
                              scene_arrays)
from hsinb.evaluate import aggregate, markdown_table
from hsinb.stages import cpu_name
from hsinb.datasets import scene_views, scene_band_stats
from hsinb.cube import crop

def training_spread(rows: list) -> str:
    "Per fraction and variant: F1 over training seeds per label seed, and the within- against between-seed spread."
    head = "| fraction | variant | F1 (%) per label seed: mean ± std over training seeds [min, max] | within | between |"
    out = [head,
           "|---|---|---|---|---|"]
    for f, c in sorted({(r["fraction"], r["condition"]) for r in rows if "train_seed" in r}):
        by = {}
        for r in rows:
            if (r["fraction"], r["condition"]) == (f, c) and "train_seed" in r:
                by.setdefault(r["seed"], []).append(r["f1"] * 100)
        per = "; ".join(f"seed {s}: {np.mean(v):.1f} ± {np.std(v, ddof=1):.1f} [{min(v):.1f}, {max(v):.1f}]"
                        for s, v in by.items())
        within = np.sqrt(np.mean([np.var(v, ddof=1) for v in by.values()]))  # pooled over label seeds
        between = np.std([np.mean(v) for v in by.values()], ddof=1) if len(by) > 1 else float("nan")
        out.append(f"| {f:g} | {c} | {per} | {within:.1f} | {between:.1f} |")
    return "\n".join(out)

VARIANTS = {"plain": dict(diff_input=False, balanced=False), "diff": dict(diff_input=True, balanced=False),
            "balanced": dict(diff_input=False, balanced=True), "both": dict(diff_input=True, balanced=True),
            "cva": dict(diff_input=True, balanced=True, cva_seeded=True)}
p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--scenes", nargs="+", default=["taizhou", "oscd:bercy", "oscd:paris"])
p.add_argument("--fractions", type=float, nargs="+", default=[0.1])
p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
p.add_argument("--steps", type=int, default=600)
p.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
p.add_argument("--repeats", type=int, default=1,
               help="trainings per label seed and variant (training seeds s + 1000 i)")
p.add_argument("--json", help="also write the rows and the floor per stripe to this file")
a = p.parse_args()
if a.repeats < 1: p.error(f"--repeats must be >= 1, got {a.repeats}")
t0 = time.time()
record = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpu": cpu_name(),
          "threads": torch.get_num_threads(), "steps": a.steps, "seeds": a.seeds, "scenes": {}}
for name in a.scenes:
    scene = load(name)
    if scene.attrs["kind"] != "cd": raise SystemExit(f"{name!r} is not a change scene")
    split = make_splits(scene.sizes["y"], scene.sizes["x"])
    tr, te = region_box(split, "train"), region_box(split, "test")
    views = scene_views(scene, scene_band_stats(scene, split.values == 0))
    ref = crop(views[0]["mask"], te)
    C = views[0]["image"].shape[0]
    cva = cva_otsu(views[0]["image"], views[1]["image"])
    floor = cd_scores(ref, crop(cva, te))
    stripes = {r: cd_scores(crop(views[0]["mask"], region_box(split, r)), crop(cva, region_box(split, r)))
               for r in ("train", "val", "test")}
    print(f"{name}: CVA floor F1 per stripe (no labels): " +
          ", ".join(f"{r} {v['f1']:.3f} (P {v['precision']:.3f}, R {v['recall']:.3f})" for r, v in stripes.items()))
    rows = []
    for fraction, s in [(f, s) for f in a.fractions for s in a.seeds]:
        lab = low_label_mask(scene["change"], split, fraction, 8, s).values.copy()
        lab[split.values != 0] = IGNORE
        real, key = scene_arrays("cd", views, lab, tr)
        region = split.values == 0
        seeded, cinfo = cva_pseudo_labels(views[0]["image"], views[1]["image"], lab, region)
        rows.append({"fraction": fraction, "seed": s, "condition": "CVA floor (no labels)", **floor})
        for v, rep in [(v, i) for v in a.variants for i in range(a.repeats)]:
            opt, ts = VARIANTS[v], s + 1000 * rep  # training seed: crop order and initialisation
            cfg = DownstreamConfig(steps=a.steps, diff_input=opt["diff_input"])
            arrays = {**real, key: crop(seeded, tr)} if opt.get("cva_seeded") else real
            if opt.get("cva_seeded") and not cinfo["used"]: continue  # CVA not confirmed by the blocks: as "both"
            ds = AnchoredTiles(arrays, key, tile=cfg.tile, length=cfg.steps * cfg.batch_size, seed=ts,
                               class_balanced=opt["balanced"])
            m, _ = fit("cd", ds, C, 2, cfg, tempfile.mkdtemp(prefix="hsinb-cd-"), seed=ts,
                       desc=f"{name} {v} seed {s} training seed {ts}")
            rows.append({"fraction": fraction, "seed": s, "train_seed": ts, "condition": f"real only, {v}",
                         **cd_scores(ref, predict(m, [crop(x["image"], te) for x in views]))})
        n_ch = int((real[key] == 1).sum())
        print(f"{name} {fraction:g} seed {s}: {n_ch} changed of {int((real[key] != IGNORE).sum())} labelled px; CVA F1 on them "
              f"{cinfo['cva_f1_on_labels']:.3f}{'' if cinfo['used'] else ' (not used)'}; " +
              ", ".join(f"{r['condition']} F1 {r['f1']:.3f}" for r in rows if (r["seed"], r["fraction"]) == (s, fraction)))
    print(f"\n{name}: test stripe, seeds {a.seeds}, {a.steps} steps ({time.time() - t0:.0f} s so far)\n")
    first = [r for r in rows if r.get("train_seed", r["seed"]) == r["seed"]]  # the stage's own training seed
    print(markdown_table(aggregate(first, ["f1", "precision", "recall"]), ["f1", "precision", "recall"]) + "\n")
    if a.repeats > 1: print(training_spread(rows) + "\n")
    record["scenes"][name] = {"cva_per_stripe": stripes, "rows": rows}
    if a.json:
        with open(a.json, "w") as f: json.dump(record, f, indent=1, default=float)
