"""Sampler quality against the number of steps, for a trained stage-03 pipeline.

    HSINB_DATA=../shared/data python benchmarks/sampler_curve.py --dataset salinas_a [--runs runs]
        [--steps 5 10 20 50] [--n-samples 64] [--seeds 0] [--report reports/salinas_a]

Stage 03 draws the same curve for the pipeline it trains (`curve_steps`); this script redraws it for a pipeline
already on disk (runs/<dataset>/diffusion/pipeline), with several seeds if asked, so that the spread of the
reference itself is visible. For DDIM, DPM-Solver++ (2M) and UniPC at each step count, and DDPM-1000 as the
reference, it prints the spectral Fréchet distance, the mean class SAM, the alignment (the real-pixel LDA reads
the generated label from the generated spectrum) and seconds per pair (`hsinb.diffusion.sampler_curve`), and
the cheapest sampler within 10 % of DDPM's spectral FD (`pick_sampler`). Writes
benchmarks/results/<date>-sampler-curve-<dataset>.json and <report>/diffusion_sampler_curve.png (seed of the
first run). A script, not a test.
"""
import argparse, json, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--runs", default=str(ROOT / "runs"), help="the runs/ folder holding <dataset>/vae and diffusion")
    ap.add_argument("--steps", type=int, nargs="+", default=[5, 10, 20, 50])
    ap.add_argument("--n-samples", type=int, default=64)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--report", default=None, help="where the figure goes (default reports/<dataset>)")
    a = ap.parse_args()
    import matplotlib
    matplotlib.use("Agg")
    import numpy as np
    from hsinb.datasets import load, make_splits, region_box, scene_views
    from hsinb.vae import load_vae
    from hsinb.diffusion import HSIDiffusionPipeline, sampler_curve, pick_sampler, sampler_curve_figure
    from hsinb.stages import cpu_name
    run = Path(a.runs) / a.dataset
    for need in (run / "vae", run / "diffusion" / "pipeline"):
        if not need.is_dir(): raise SystemExit(f"no {need}: run stages 02 and 03 for {a.dataset!r} first")
    _, stats, _ = load_vae(run / "vae")
    scene = load(a.dataset)
    views = scene_views(scene, stats)
    box = region_box(make_splits(scene.sizes["y"], scene.sizes["x"]), "train")
    pipe = HSIDiffusionPipeline.from_pretrained(run / "diffusion" / "pipeline")
    curves = {}
    for seed in a.seeds:
        print(f"seed {seed}")
        curves[seed] = sampler_curve(pipe, views, box, steps=tuple(a.steps), n_samples=a.n_samples, seed=seed)
    picks = {seed: pick_sampler(rows) for seed, rows in curves.items()}
    print(f"\n{'sampler':8s} {'steps':>5s} " + " ".join(f"{'FD s' + str(s):>9s}" for s in a.seeds)
          + f" {'SAM deg':>8s} {'align':>6s} {'s/pair':>7s}")
    first = curves[a.seeds[0]]
    for i, r in enumerate(first):
        fds = " ".join(f"{curves[s][i]['spectral_fd']:9.4f}" for s in a.seeds)
        sam = np.mean([curves[s][i]["mean_class_sam_deg"] for s in a.seeds])
        ali = np.mean([curves[s][i]["alignment"] for s in a.seeds])
        sec = np.mean([curves[s][i]["seconds_per_pair"] for s in a.seeds])
        print(f"{r['sampler']:8s} {r['steps']:5d} {fds} {sam:8.3f} {ali:6.3f} {sec:7.3f}")
    for seed, p in picks.items():
        print(f"seed {seed}: cheapest within 10 % of DDPM's spectral FD:",
              f"{p['sampler']} {p['steps']} steps" if p else "none")
    report = Path(a.report or ROOT / "reports" / a.dataset)
    report.mkdir(parents=True, exist_ok=True)
    fig = sampler_curve_figure(first, picks[a.seeds[0]])
    fig.savefig(report / "diffusion_sampler_curve.png", dpi=110)
    out = ROOT / "benchmarks" / "results" / f"{time.strftime('%Y-%m-%d')}-sampler-curve-{a.dataset}.json"
    out.write_text(json.dumps({"dataset": a.dataset, "cpu": cpu_name(), "date": time.strftime("%Y-%m-%d %H:%M"),
                               "pipeline": str(run / "diffusion" / "pipeline"), "n_samples": a.n_samples,
                               "curves": {str(s): c for s, c in curves.items()},
                               "picks": {str(s): p for s, p in picks.items()}}, indent=1))
    print(f"wrote {out} and {report / 'diffusion_sampler_curve.png'}")


if __name__ == "__main__":
    main()
