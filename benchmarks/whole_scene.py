"""Whole-scene generation (MultiDiffusion): memory and time against the scene's size, and the seam metric.

    python benchmarks/whole_scene.py [--pipeline runs/demo/diffusion/pipeline] [--sizes 64,128,256,512]
                                     [--sampler dpmpp] [--steps 20] [--report reports/demo]

Each size runs in a fresh process, so its peak resident memory (ru_maxrss) is its own. For each size it prints
the seconds, the peak memory, and `seam_ratio`: the gradient energy across MultiDiffusion's window borders over
the energy elsewhere (1: no seams). With the same size and `--whole` it runs the UNet on the whole latent
instead, for comparison. The largest joint sample is drawn to <report>/diffusion_whole_scene.png.
Writes benchmarks/results/<date>-whole-scene.json. A script, not a test.
"""
import argparse, json, resource, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one(pipeline: str, size: int, sampler: str, steps: int, tiled: bool, picture: str | None) -> dict:
    "Generate one joint pair of size x size px in this process; its time, peak memory and seam ratio."
    import numpy as np
    import torch
    from hsinb.diffusion import HSIDiffusionPipeline, seam_ratio
    torch.set_num_threads(max(1, torch.get_num_threads()))
    pipe = HSIDiffusionPipeline.from_pretrained(pipeline)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    out = pipe(num_samples=1, size=size, sampler=sampler, steps=steps, seed=0, output_type="np", progress=False,
               tiled=tiled)
    seconds = time.perf_counter() - t
    image = out["image"][0]
    std = np.asarray(pipe.meta["band_std"])[:, None, None]
    period = pipe.meta["tile"] // 2  # windows start every half tile
    result = {"size": size, "tiled": tiled, "seconds": seconds, "peak_rss_mb": resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_after_load_mb": before,
        "seam_ratio": seam_ratio(image / std, period) if size > pipe.meta["tile"] else None}
    if picture:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from hsinb.cube import rgb_composite, mask_rgb
        fig, ax = plt.subplots(1, 2, figsize=(12, 6))
        ax[0].imshow(rgb_composite(image, wavelength=np.asarray(pipe.meta["wavelength"])))
        ax[1].imshow(mask_rgb(out["mask"][0], pipe.meta["n_classes"]), interpolation="nearest")
        for a in ax:
            a.set_xticks(range(0, size + 1, period * 2))
            a.set_yticks(range(0, size + 1, period * 2))
        ax[0].set_title(f"{size} x {size} px, MultiDiffusion windows of {pipe.meta['tile']} px "
                        f"(seam ratio {result['seam_ratio']:.2f})", fontsize=9)
        ax[1].set_title("its generated label map", fontsize=9)
        plt.tight_layout()
        Path(picture).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(picture, dpi=80)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pipeline", default=str(ROOT / "runs" / "demo" / "diffusion" / "pipeline"))
    ap.add_argument("--sizes", default="64,128,256,512")
    ap.add_argument("--sampler", default="dpmpp")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--report", default=str(ROOT / "reports" / "demo"))
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--whole", action="store_true", help="the UNet on the whole latent (no windows), for comparison")
    ap.add_argument("--picture", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if not (Path(a.pipeline) / "model_index.json").is_file():
        sys.exit(f"no pipeline at {a.pipeline}: run stage 03 first (hsinb run --dataset demo --stages vae,diffusion)")
    if a.one:
        print(json.dumps(one(a.pipeline, a.one, a.sampler, a.steps, not a.whole, a.picture)))
        return
    sizes = [int(s) for s in a.sizes.split(",")]
    rows = []
    for size in sizes:
        for whole in (False, True):
            cmd = [sys.executable, __file__, "--pipeline", a.pipeline, "--one", str(size), "--sampler", a.sampler,
                   "--steps", str(a.steps)] + (["--whole"] if whole else [])
            if size == max(sizes) and not whole: cmd += ["--picture", str(Path(a.report) / "diffusion_whole_scene.png")]
            r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            if r.returncode: sys.exit(f"size {size}: {r.stderr[-2000:]}")
            rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
            row = rows[-1]
            seam = "-" if row["seam_ratio"] is None else f"{row['seam_ratio']:.3f}"
            print(f"{size:5d} px  {'whole latent' if whole else 'windows':12s}  {row['seconds']:7.1f} s  "
                  f"peak RSS {row['peak_rss_mb']:7.0f} MB (after loading {row['rss_after_load_mb']:.0f})  seam {seam}")
    out = ROOT / "benchmarks" / "results" / f"{time.strftime('%Y-%m-%d')}-whole-scene.json"
    out.write_text(json.dumps({"pipeline": a.pipeline, "sampler": a.sampler, "steps": a.steps, "rows": rows}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
