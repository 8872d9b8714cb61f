"""How much arithmetic a parameter preset asks for, stage by stage, and how long that takes on this host.

    python benchmarks/preset_flops.py [--preset quick] [-p stage.name=value ...] [--reports reports/demo] [--json F]

Counts the training FLOPs of every model a `hsinb run` on the demo scene trains (steps x one step's FLOPs from
`torch.utils.flop_counter`, at each stage's default sizes) and the denoiser's forward FLOPs of every sampling call
(samples x steps), measures this host's achieved fp32 rate on the same models, and prints the predicted wall time per
stage next to the measured one when `--reports` holds a finished run (papermill's recorded durations). The prediction
for another host is the FLOPs divided by that host's rate: run this script there. Sizing the quick preset by FLOPs,
not by one host's wall time, is what lets the README state a time for a host without native bf16 (AVX2 only, where
stage 02 trains in fp32): this host's fp32 rate stands in for it. A script, not a test.

The accounting is explicit, not traced, so it can drift from the stages; `--reports` shows how far: the ratio of
predicted to measured time per stage. What it leaves out (data loading, decoding, metrics, figures) is in that ratio.
"""
import argparse, json, sys, time
from pathlib import Path
import torch
from torch.utils.flop_counter import FlopCounterMode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from run import train_flops, step_fn, timed, stage_times  # noqa: E402
from hsinb.cli import PRESETS, parse_params  # noqa: E402
from hsinb.stages import cpu_name  # noqa: E402
from hsinb.synthesize import GeneratorConfig  # noqa: E402
from hsinb.downstream import DownstreamConfig  # noqa: E402

# the stage defaults this accounting reads (the stage notebooks' bodies, where a parameter's None means a number;
# the evaluation's generator and downstream budgets from their configs; the demo scene: 120 bands, 8 classes)
DEFAULTS = {"vae.steps": 6000, "vae.batch_size": 16, "diffusion.steps": 4000, "diffusion.batch_size": 32,
            "diffusion.n_samples": 64, "diffusion.curve_steps": [5, 10, 20, 50], "synthesize.n_pairs": 256,
            "synthesize.n_triplets": 0, "synthesize.seg_steps": 800, "evaluate.fractions": [0.05, 0.1, 0.25, 1.0],
            "evaluate.seeds": [0, 1, 2], "evaluate.n_synthetic": 128,
            "evaluate.gen_steps": GeneratorConfig.steps, "evaluate.gen_mask_steps": GeneratorConfig.mask_steps,
            "evaluate.gen_batch_size": GeneratorConfig.batch_size,
            "evaluate.down_steps": DownstreamConfig.steps}
BANDS, CLASSES = 120, 8
SAMPLER_STEPS = {"ddpm": 1000, "ddim": 50, "dpmpp": 20, "unipc": 20}  # `hsinb.diffusion.SAMPLERS`' defaults
SEG_STEP_UNITS = 11  # SegNet steps per downstream step of one seg cell: 8 conditions, 3 of them add a synthetic batch
FULL_LABEL_UNITS = 8  # ...at 100 % of the demo's (fully labelled) region: self-training (+syn) are real only's (+syn)


def forward_flops(model, x, **kw) -> int:
    "FLOPs of one forward pass without gradients."
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        model(x, **kw)
    return fc.get_total_flops()


def unit_costs(gen_batch: int = GeneratorConfig.batch_size, # the evaluation generator's batch (its step is timed
               ) -> dict:                                   # at it: per-step overhead makes time non-linear)
    "Per-step FLOPs of each model at its stage's size, and the closures that time one step (fp32)."
    from hsinb.vae import TwoStreamVAE, vae_loss
    from hsinb.diffusion import make_unet, make_scheduler, per_stream_loss
    from hsinb.downstream import SegNet, seg_loss
    g = torch.Generator().manual_seed(0)
    sched = make_scheduler()

    def unet_case(widths, batch):
        z = torch.randn(batch, 28, 8, 8, generator=g)
        cell = torch.ones(batch, 8, 8, dtype=torch.long)
        return (make_unet(28, 8, widths, per_stream=True), {"z": z, "cell": cell},
                lambda m, b: per_stream_loss(m, b, sched, image_channels=16)[0])
    image = torch.randn(16, BANDS, 32, 32, generator=g)
    mask = torch.randint(0, CLASSES, (16, 32, 32), generator=g)
    vae = TwoStreamVAE(BANDS, CLASSES, 16, 12, (32, 64, 64), spectral_basis=16)
    cases = {"vae": (vae, {"image": image, "mask": mask}, lambda m, b: vae_loss(m, b)[0]),
             "vae_mask": (vae, {"mask": mask}, lambda m, b: vae_loss(m, b)[0]),
             "unet": unet_case((64, 128, 128), 32), "gen_unet": unet_case((32, 64, 64), gen_batch),
             "segnet": (SegNet(BANDS, CLASSES), {"image": image[:, :, :16, :16], "mask": mask[:, :16, :16]},
                        lambda m, b: seg_loss(m, b)[0])}
    out = {name: {"train": train_flops(*c), "case": c} for name, c in cases.items()}
    out["gen_unet"]["batch"] = gen_batch
    for name, widths in (("unet", (64, 128, 128)), ("gen_unet", (32, 64, 64))):
        u = out[name]["case"][0].eval()
        t = torch.zeros(1, dtype=torch.long)
        out[name]["sample"] = forward_flops(u, torch.randn(1, 28, 8, 8), timestep=t, class_labels=t)  # 1 sample, 1 step
        u.train()
    return out


def preset_flops(params: dict, unit: dict) -> dict:
    "FLOPs per stage of a run with `params` (stage.name -> value) over `DEFAULTS`: {stage: {(model, part): n}}."
    p = {**DEFAULTS, **params}

    def tr(name, steps, batch_share=1.0):  # batch_share: the stage's batch over the counted one (FLOPs are linear)
        return {(name, "train"): steps * batch_share * unit[name]["train"]}

    def sample(name, n, steps, cfg=1):  # n samples of `steps` denoising steps; cfg=2: guided (two passes)
        return {(name, "sample"): n * steps * cfg * unit[name]["sample"]}

    def times(k, part): return {key: k * v for key, v in part.items()}
    curve = p["diffusion.curve_steps"]  # [] skips the curve and its DDPM-1000 reference
    # the quality curve: DDPM-1000 and each few-step sampler at each count, less the points the stage drew already
    # (each sampler at its default steps: `sampler_curve`'s `drawn`)
    n_curve = sum(k for s in SAMPLER_STEPS if s != "ddpm" for k in curve if k != SAMPLER_STEPS[s]) if curve else 0
    n_stage03 = sum(SAMPLER_STEPS.values()) + n_curve  # each sampler at its default steps, then the curve's others
    cells = len(p["evaluate.fractions"]) * len(p["evaluate.seeds"])
    seg_units = len(p["evaluate.seeds"]) * sum(FULL_LABEL_UNITS if f >= 1 else SEG_STEP_UNITS
                                               for f in p["evaluate.fractions"]) / cells  # per cell, on average
    return {
        "02_train_vae": tr("vae", p["vae.steps"], p["vae.batch_size"] / 16),
        "03_train_diffusion": {**tr("unet", p["diffusion.steps"], p["diffusion.batch_size"] / 32),
                               **sample("unet", p["diffusion.n_samples"], n_stage03)},
        "04_synthesize": {**tr("segnet", p["synthesize.seg_steps"]),
                          **sample("unet", p["synthesize.n_pairs"] + p["synthesize.n_triplets"], 20, 2)},
        "05_evaluate": times(cells, {**tr("gen_unet", p["evaluate.gen_steps"],
                                          p["evaluate.gen_batch_size"] / unit["gen_unet"]["batch"]),
                                     **tr("vae_mask", p["evaluate.gen_mask_steps"]),
                                     **tr("segnet", seg_units * p["evaluate.down_steps"]),
                                     **sample("gen_unet", p["evaluate.n_synthetic"], 20, 2)}),
    }


def host_rate(unit: dict, n: int = 5) -> dict:
    "Achieved fp32 GFLOP/s of one training step of each model, measured here."
    dev = torch.device("cpu")
    out = {}
    for name in ("vae", "vae_mask", "unet", "gen_unet", "segnet"):
        model, batch, loss_fn = unit[name]["case"]
        s = timed(step_fn(model, batch, loss_fn, dev, "fp32"), dev, n)
        out[name] = unit[name]["train"] / s / 1e9
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="quick", help="a preset of `hsinb run` ('none': the stage defaults)")
    ap.add_argument("-p", "--param", action="append", default=[], help="stage.name=value, over the preset")
    ap.add_argument("--reports", help="a finished run's reports/<dataset>: compare with its stage times")
    ap.add_argument("--json", help="write the figures to this file")
    a = ap.parse_args(argv)
    params = {**PRESETS.get(a.preset, {}), **parse_params(a.param)}
    torch.manual_seed(0)
    unit = unit_costs(int({**DEFAULTS, **params}["evaluate.gen_batch_size"]))
    flops = preset_flops(params, unit)
    rate = host_rate(unit)
    measured = stage_times(Path(a.reports)) if a.reports else {}
    rows = []
    for stage, f in flops.items():
        pred = sum(n / rate[model] / 1e9 for (model, _), n in f.items())  # each model at its own measured rate
        part = {kind: sum(n for (_, k), n in f.items() if k == kind) / 1e12 for kind in ("train", "sample")}
        rows.append({"stage": stage, "train_tflop": part["train"], "sample_tflop": part["sample"],
                     "predicted_s": pred, "measured_s": measured.get(stage)})
    total = sum(r["train_tflop"] + r["sample_tflop"] for r in rows)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {cpu_name()}, {torch.get_num_threads()} threads; preset {a.preset} "
          f"{json.dumps(parse_params(a.param)) if a.param else ''}")
    print("achieved fp32 GFLOP/s of a training step: " + ", ".join(f"{k} {v:.0f}" for k, v in rate.items()))
    heads = ("train TFLOP", "sample TFLOP", "predicted", "measured")
    print(f"{'stage':20s} " + " ".join(f"{h:>12s}" for h in heads))
    for r in rows:
        m = f"{r['measured_s'] / 60:.1f}m" if r["measured_s"] else "-"
        pred = f"{r['predicted_s'] / 60:.1f}m"
        print(f"{r['stage']:20s} {r['train_tflop']:12.1f} {r['sample_tflop']:12.1f} {pred:>12s} {m:>12s}")
    pred_total = sum(r["predicted_s"] for r in rows)
    print(f"{'all':20s} {total:25.1f} {pred_total / 60:11.1f}m")
    print("per model (TFLOP): " + ", ".join(f"{s_[:2]} {m} {k} {n / 1e12:.1f}" for s_, f in flops.items()
                                            for (m, k), n in f.items()))
    if a.json:
        res = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpu": cpu_name(), "threads": torch.get_num_threads(),
               "preset": a.preset, "params": params, "fp32_gflop_per_s": rate, "stages": rows, "total_tflop": total,
               "predicted_fp32_s": pred_total}
        Path(a.json).write_text(json.dumps(res, indent=1) + "\n")


if __name__ == "__main__":
    main()
