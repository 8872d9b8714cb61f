"""The mask stream alone on real ground-truth maps with thin structures (Indian Pines, Pavia University, Salinas:
`../shared/data/hsi_gt_maps`, label maps without their image cubes). Trains stage 02's mask stream on the map's
training stripe and prints test-stripe mIoU, per-class IoU and the boundary band (pixels within 2 px of another
label), for the default stream and for each option given.

    HSINB_DATA=../shared/data python benchmarks/mask_stream.py [steps] [name ...]

Measured 2026-11-26 (AMD EPYC, 1 thread, 1500 steps): Indian Pines test mIoU 1.000, boundary band 0.998; a
hidden width of 512 gave 0.997 / 0.996 at 3.6x the time, so only the default is run (add options to OPTIONS).
"""
import os, sys, time, numpy as np, torch
from hsinb.datasets import make_splits, region_box, SceneTiles, get_spec
from hsinb.registry import load_mask
from hsinb.train import TrainConfig, train
from hsinb.vae import TwoStreamVAE, vae_loss, pad_to, mask_metrics, boundary_band
from hsinb.cube import confusion, crop
from hsinb.cube import IGNORE

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
names = sys.argv[2:] or ["indian_pines", "pavia_u", "salinas"]
OPTIONS = {"default (hidden 256)": dict(mask_hidden=256)}
if os.environ.get("FINE"): OPTIONS["2x downsampling (widths of length 2)"] = dict(widths=(8, 8))
if os.environ.get("MASK_LATENT"): OPTIONS[f"mask latent {os.environ['MASK_LATENT']}"] = dict(mask_latent=int(os.environ["MASK_LATENT"]))

def decode(vae, m):
    mt, (h, w) = pad_to(torch.as_tensor(m)[None], vae.downsample, mode="replicate")
    with torch.no_grad(): return vae.labels(vae.decode_mask_logits(vae.encode(mask=mt)))[0, :h, :w].numpy()

for name in names:
    mask = load_mask(name); m = mask.values.astype(np.int64); k = len(get_spec(name).classes)
    split = make_splits(*m.shape); tb = region_box(split, "test"); tm = crop(m, tb)
    band = boundary_band(tm, 2)
    print(f"\n{name}: {m.shape[0]} x {m.shape[1]} px, {k} classes, test stripe {tb}, boundary band {band.mean():.0%} of it")
    for opt, kw in OPTIONS.items():
        torch.manual_seed(0)
        vae = TwoStreamVAE(4, k, 4, **{'mask_latent': 12, 'widths': (8, 8, 8), **kw}, spectral_stem=4)  # image stream unused (mask only)
        tiles = SceneTiles({"mask": m}, region_box(split, "train"), tile=32, length=steps * 16, seed=0)
        cfg = TrainConfig(steps=steps, batch_size=16, lr=1e-3, warmup=min(100, steps // 10), device="cpu", ckpt_every=0, log_every=50)
        t0 = time.time()
        vae, _ = train(vae, lambda v, b: vae_loss(v, b), tiles, f"/tmp/hsinb-mask-{name}-{abs(hash(opt))}", cfg, resume=False, desc=f"{name} {opt}")
        p = decode(vae, tm)
        t, pp = np.where(tm == IGNORE, k, tm), np.where(p == IGNORE, k, p)
        cm = confusion(t, pp, k + 1); inter = np.diag(cm); union = cm.sum(0) + cm.sum(1) - inter
        per = {c: inter[c] / union[c] for c in range(k) if cm[c].sum() > 0}
        mb = mask_metrics(tm[band], p[band], k)
        print(f"  {opt:22s} test mIoU {mask_metrics(tm, p, k)['mask_miou']:.3f}  boundary band mIoU {mb['mask_miou']:.3f} "
              f"acc {mb['mask_accuracy']:.3f}  worst class IoU {min(per.values()):.3f}  ({time.time() - t0:.0f} s)")
        print("    per class (IoU, test px, train px):", {get_spec(name).classes[c]: (round(float(v), 3), int((tm == c).sum()),
              int((crop(m, region_box(split, "train")) == c).sum())) for c, v in per.items()})
