"""Change pairs from single-date data (Changen2-style): does pre-training `ChangeNet` on semantic-edit triplets of a
segmentation scene help a low-label change detector on a change scene of the same sensor?

    python benchmarks/edit_pretrain.py [--source demo] [--target demo_cd] [--fraction 0.1] [--seeds 0 1 2]

A generator is fitted on the source scene's training region (all its labels; `hsinb.synthesize.fit_generator` on
the source's stage-02 VAE, `runs/<source>/vae`), and `--n-edits` triplets are made from real windows of that region
by `hsinb.synthesize.generate_triplets`: a few connected regions relabelled, the image regenerated there, the rest
kept (t1 = the real window, t2 = the edit, change = the edited pixels). Each date of an edit crop gets its own
spectral gain/offset jitter (a stand-in for the illumination and phenology differences that real pairs have and edit
pairs lack). On the target's low-label blocks (per seed) it trains, with the same real batches and budget:
real only; edits only (zero-shot: never sees a target label); edit pre-train then real fine-tune. Also the CVA floor.
Scores are changed-class F1 / IoU / precision / recall on the target's test stripe, mean ± std over the seeds, and
the paired gain over real only. Nothing of the target scene reaches the generator.
"""
import argparse, tempfile, time
from pathlib import Path
import numpy as np
from hsinb.cube import IGNORE
from hsinb.datasets import load, make_splits, region_box, low_label_mask
from hsinb.downstream import AnchoredTiles, DownstreamConfig, fit, predict, cd_scores, cva_otsu
from hsinb.datasets import scene_arrays
from hsinb.evaluate import aggregate, markdown_table
from hsinb.synthesize import GeneratorConfig, fit_generator, generate_triplets, standardised_images
from hsinb.vae import load_vae
from hsinb.datasets import scene_views, scene_band_stats
from hsinb.cube import crop

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--source", default="demo", help="segmentation scene whose edits make the triplets")
p.add_argument("--target", default="demo_cd", help="change scene the detector is scored on")
p.add_argument("--vae", default=None, help="the source's stage-02 VAE folder (default runs/<source>/vae)")
p.add_argument("--fraction", type=float, default=0.1, help="label fraction of the target's training region")
p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
p.add_argument("--n-edits", type=int, default=256)
p.add_argument("--gen-steps", type=int, default=1500)
p.add_argument("--down-steps", type=int, default=600)
p.add_argument("--jitter", type=float, default=0.05, help="per-date gain/offset jitter of the edit crops")
a = p.parse_args()
t_start = time.time()
work = Path(tempfile.mkdtemp(prefix="hsinb-edits-"))

# 1. the source generator and its edit triplets
src = load(a.source)
if src.attrs["kind"] != "seg": raise SystemExit(f"--source must be a segmentation scene, {a.source!r} is {src.attrs['kind']!r}")
vae_dir = Path(a.vae or f"runs/{a.source}/vae")
if not vae_dir.is_dir(): raise SystemExit(f"no VAE at {vae_dir}: run `hsinb run --dataset {a.source} --stages vae` first")
vae, stats, vmeta = load_vae(vae_dir)
s_split = make_splits(src.sizes["y"], src.sizes["x"])
s_box = region_box(s_split, "train")
s_views = scene_views(src, stats)
s_lab = np.where(s_split.values == 0, s_views[0]["mask"], IGNORE)
gcfg = GeneratorConfig(steps=a.gen_steps, batch_size=32, lr=4e-4)  # the budget of the figures it recorded
pipe, ginfo = fit_generator(vae, vmeta, stats, [s_views[0]["image"]], s_lab, s_box, gcfg, work / "gen", seed=0)
t0 = time.time()
edits = generate_triplets(pipe, a.n_edits, scene=src, box=s_box, seed=0)
print(f"{len(edits['change'])} edit triplets from {a.source} in {time.time() - t0:.0f} s; changed share "
      f"{(edits['change'] == 1).mean():.1%}")

# 2. the target scene: low-label blocks per seed, the same real batches for every condition
tgt = load(a.target)
if tgt.attrs["kind"] != "cd": raise SystemExit(f"--target must be a change scene, {a.target!r} is {tgt.attrs['kind']!r}")
if tgt.sizes["band"] != src.sizes["band"]:
    raise SystemExit(f"--source has {src.sizes['band']} bands, --target {tgt.sizes['band']}: edits need the same sensor")
split = make_splits(tgt.sizes["y"], tgt.sizes["x"])
boxes = {r: region_box(split, r) for r in ("train", "test")}
views = scene_views(tgt, scene_band_stats(tgt, split.values == 0))
ref_te = crop(views[0]["mask"], boxes["test"])
e1, e2 = standardised_images(pipe, np.stack([edits["image_t1"], edits["image_t2"]], 1))
edit_arrays = {"image_t1": e1, "image_t2": e2, "change": edits["change"].astype(np.int64)}
dcfg = DownstreamConfig(steps=a.down_steps)
n_len = dcfg.steps * dcfg.batch_size
C = views[0]["image"].shape[0]
floor = cd_scores(ref_te, crop(cva_otsu(views[0]["image"], views[1]["image"]), boxes["test"]))
rows = []
for s in a.seeds:
    lab = low_label_mask(tgt["change"], split, a.fraction, 8, s).values.copy()
    lab[split.values != 0] = IGNORE
    real, key = scene_arrays("cd", views, lab, boxes["train"])
    real_ds = AnchoredTiles(real, key, tile=dcfg.tile, length=n_len, seed=s, class_balanced=True)
    edit_ds = AnchoredTiles(edit_arrays, "change", tile=dcfg.tile, length=n_len, seed=s + 1, stacked=True,
                            class_balanced=True, jitter=a.jitter)
    score = lambda m: cd_scores(ref_te, predict(m, [crop(v["image"], boxes["test"]) for v in views]))
    rows.append({"fraction": a.fraction, "seed": s, "condition": "CVA floor (no labels)", **floor})
    m_real, _ = fit("cd", real_ds, C, 2, dcfg, work / f"real-{s}", seed=s, desc="real only")
    rows.append({"fraction": a.fraction, "seed": s, "condition": "real only", **score(m_real)})
    m_edit, _ = fit("cd", edit_ds, C, 2, dcfg, work / f"edit-{s}", seed=s, desc="edits only")
    rows.append({"fraction": a.fraction, "seed": s, "condition": f"{a.source} edits only (zero-shot)", **score(m_edit)})
    m_ft, _ = fit("cd", real_ds, C, 2, dcfg, work / f"ft-{s}", seed=s, desc="edit pre-train, fine-tune", init=m_edit)
    rows.append({"fraction": a.fraction, "seed": s, "condition": f"{a.source} edit pre-train, real fine-tune", **score(m_ft)})
    print(f"seed {s}: " + ", ".join(f"{r['condition']} F1 {r['f1']:.3f}" for r in rows if r["seed"] == s))

metrics = ["f1", "iou", "precision", "recall"]
print(f"\n{a.target} test stripe at {a.fraction:g} labels, {len(a.seeds)} seeds; source {a.source} ({ginfo['labelled_px']} "
      f"labelled px, {a.gen_steps} generator steps, {len(edits['change'])} edits); {time.time() - t_start:.0f} s\n")
print(markdown_table(aggregate(rows, metrics), metrics))
for c in dict.fromkeys(r["condition"] for r in rows):
    d = [r["f1"] - q["f1"] for r in rows for q in rows if r["seed"] == q["seed"] and r["condition"] == c and q["condition"] == "real only"]
    if c != "real only": print(f"paired F1 gain of {c}: {np.mean(d) * 100:+.1f} ± {np.std(d, ddof=1) * 100 if len(d) > 1 else 0:.1f}")
