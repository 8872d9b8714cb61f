"""The benchmark table: for each model, one training step's FLOPs, its time and the share of this machine's matmul
peak it reaches, in fp32, bf16 autocast and channels-last (and `torch.compile` with --compile); sampling pairs/s per
sampler; peak memory; the pipeline's wall time per stage from the last `hsinb run` reports; on a GPU, the joint UNet's
bf16 step at growing batches, eager and captured in one CUDA graph (`graph_step`). Ratios are only
meaningful within one run: every figure of a table is measured in the same process, one after the other.

    python benchmarks/run.py [--quick] [--device cpu|cuda] [--compile] [--reports reports/demo]

Prints the table and writes benchmarks/results/<date>-<host>.json. A script, not a test: hosts of one machine
kind differ by up to 4x, and bf16 is ~80x slower than fp32 on CPUs without native bf16 (AVX2 only).
"""
import argparse, json, resource, socket, sys, time
from pathlib import Path
import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode
from hsinb.stages import cpu_name

ROOT = Path(__file__).resolve().parents[1]


def sync(dev):
    if dev.type == "cuda": torch.cuda.synchronize()


def timed(fn, dev, n: int, warmup: int = 2) -> float:
    "Seconds per call of `fn`, after `warmup` calls."
    for _ in range(warmup): fn()
    sync(dev)
    t = time.perf_counter()
    for _ in range(n): fn()
    sync(dev)
    return (time.perf_counter() - t) / n


def matmul_peak(dev, dtype, size: int, n: int) -> float:
    "GFLOP/s of a square matmul in `dtype`: the machine's practical peak for that precision."
    a, b = (torch.randn(size, size, device=dev, dtype=dtype) for _ in range(2))
    return 2 * size ** 3 / timed(lambda: a @ b, dev, n) / 1e9


def models(dev, quick: bool) -> dict:
    "Each model at its stage's default size, with one training batch and its loss: name -> (model, step closure)."
    from hsinb.vae import TwoStreamVAE, vae_loss
    from hsinb.diffusion import make_unet, make_scheduler, per_stream_loss
    from hsinb.downstream import SegNet, ChangeNet, seg_loss, cd_loss
    g = torch.Generator().manual_seed(0)
    bands, classes, tile = 120, 8, 32
    vae_b = 4 if quick else 16
    image = torch.randn(vae_b, bands, tile, tile, generator=g)
    mask = torch.randint(0, classes, (vae_b, tile, tile), generator=g)
    vae = TwoStreamVAE(bands, classes, 16, 12, (32, 64, 64), spectral_basis=16)
    unet_b, lat = (8 if quick else 32), 28
    z = torch.randn(unet_b, lat, 8, 8, generator=g)
    cell = torch.ones(unet_b, 8, 8, dtype=torch.long)
    unet, sched = make_unet(lat, 8, (64, 128, 128), per_stream=True), make_scheduler()
    d_b = 4 if quick else 16
    x = torch.randn(d_b, bands, 16, 16, generator=g)
    y = torch.randint(0, classes, (d_b, 16, 16), generator=g)
    out = {
        "VAE (both streams)": (vae, {"image": image, "mask": mask}, lambda m, b: vae_loss(m, b)[0]),
        "joint UNet (per-stream)": (unet, {"z": z, "cell": cell},
                                    lambda m, b: per_stream_loss(m, b, sched, image_channels=16)[0]),
        "SegNet": (SegNet(bands, classes), {"image": x, "mask": y}, lambda m, b: seg_loss(m, b)[0]),
        "ChangeNet (diff input)": (ChangeNet(bands, diff_input=True),
                                   {"image_t1": x, "image_t2": x + 0.1, "change": (y > 3).long()},
                                   lambda m, b: cd_loss(m, b)[0]),
    }
    return {k: (m.to(dev).train(), {n: t.to(dev) for n, t in b.items()}, f) for k, (m, b, f) in out.items()}


def step_fn(model, batch, loss_fn, dev, variant: str):
    "One optimisation step of `model` in a variant: fp32, bf16 autocast, channels-last, compiled, or bf16+compile."
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    fwd = torch.compile(model) if "compile" in variant else model
    if variant == "channels-last": model.to(memory_format=torch.channels_last)
    cast = torch.autocast(dev.type, dtype=torch.bfloat16, enabled="bf16" in variant)

    def step():
        with cast: loss = loss_fn(fwd, batch)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
    return step


def train_flops(model, batch, loss_fn) -> int:
    "FLOPs of one forward + backward (torch.utils.flop_counter)."
    with FlopCounterMode(display=False) as fc:
        loss_fn(model, batch).backward()
    model.zero_grad(set_to_none=True)
    return fc.get_total_flops()


def graph_step(unet, batch, sched, image_channels: int = 16):
    """The joint UNet's bf16 training step with its deterministic half (denoise, loss, backward, AdamW) captured in
    one CUDA graph. Each step draws its timesteps and noise eagerly (`per_stream_inputs`) into the graph's inputs."""
    from hsinb.diffusion import per_stream_inputs, per_stream_objective
    opt = torch.optim.AdamW(unet.parameters(), lr=1e-4, capturable=True)
    static = per_stream_inputs(batch, sched, image_channels)

    def body():  # autocast's weight cache must be off inside a captured graph
        with torch.autocast("cuda", dtype=torch.bfloat16, cache_enabled=False):
            loss = per_stream_objective(unet, static, image_channels)[0]
        loss.backward()
        opt.step()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm up on a side stream, as capture requires
        for _ in range(3):
            opt.zero_grad(set_to_none=True)
            body()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    opt.zero_grad(set_to_none=True)  # the gradients are then allocated, and written, inside the graph
    with torch.cuda.graph(graph):
        body()

    def step():
        for k, t in per_stream_inputs(batch, sched, image_channels).items(): static[k].copy_(t)
        graph.replay()
    return step


def unet_batch_sweep(dev, batches, peak_bf16: float, compiled: bool = False) -> list:
    """The joint UNet's bf16 training step at growing batches: how much of the device's bf16 peak the model can use,
    eager (one launch per kernel) and, on CUDA, with the step in one CUDA graph (`graph_step`)."""
    from hsinb.diffusion import make_unet, make_scheduler, per_stream_loss
    unet, sched, out = make_unet(28, 8, (64, 128, 128), per_stream=True).to(dev).train(), make_scheduler(), []
    loss_fn = lambda m, b: per_stream_loss(m, b, sched, image_channels=16)[0]
    kinds = ["bf16"] + (["bf16+graph"] if dev.type == "cuda" else [])
    runs = [(n, v) for n in batches for v in kinds] + ([(batches[-1], "bf16+compile")] if compiled else [])
    for n, variant in runs:
        g = torch.Generator().manual_seed(0)
        batch = {"z": torch.randn(n, 28, 8, 8, generator=g).to(dev),
                 "cell": torch.ones(n, 8, 8, dtype=torch.long).to(dev)}
        flops = train_flops(unet, batch, loss_fn)
        if dev.type == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats(dev)
        try:  # compiled: 3 warm-up calls, the first compiles. graph: captured when built
            fn = (graph_step(unet, batch, sched) if variant == "bf16+graph"
                  else step_fn(unet, batch, loss_fn, dev, variant))
            s = timed(fn, dev, 5, 3 if "compile" in variant else 2)
        except Exception as e:  # out of memory, or a backend that cannot compile: reported, not fatal
            out.append({"batch": n, "variant": variant, "error": f"{type(e).__name__}: {e}"[:200]})
            print(f"joint UNet {variant}, batch {n}: failed: {out[-1]['error']}", flush=True)
            continue
        finally:  # drop this variant's step (a graph holds its memory pool) before the next one is measured
            fn = None
        mem = torch.cuda.max_memory_allocated(dev) / 2 ** 20 if dev.type == "cuda" else None
        out.append({"batch": n, "variant": variant, "gflop_per_step": flops / 1e9, "ms_per_step": 1e3 * s,
                    "gflop_per_s": flops / s / 1e9, "share_of_bf16_peak": flops / s / 1e9 / peak_bf16,
                    "peak_memory_mb": mem})
        print(f"joint UNet {variant:12s}, batch {n:5d}: {flops / 1e9:8.1f} GFLOP/step {1e3 * s:8.1f} ms/step "
              f"{flops / s / 1e12:7.1f} TFLOP/s = {100 * flops / s / 1e9 / peak_bf16:5.1f} % of the bf16 matmul peak"
              + (f", peak memory {mem / 1024:.1f} GiB" if mem else ""), flush=True)
    return out


def sampling(dev, quick: bool) -> dict:
    "Pairs per second of a default-size pipeline (untrained weights: speed only) for each sampler."
    from hsinb.datasets import load, make_splits
    from hsinb.vae import TwoStreamVAE
    from hsinb.datasets import scene_band_stats, scene_classes
    from hsinb.diffusion import make_unet, make_scheduler, build_pipeline
    scene = load("demo")
    stats = scene_band_stats(scene, make_splits(scene.sizes["y"], scene.sizes["x"]).values == 0)
    names = scene_classes(scene)
    vae = TwoStreamVAE(scene.sizes["band"], len(names), 16, 12, (32, 64, 64), spectral_basis=16)
    latent = {"image_mean": [0.0] * 16, "image_std": [1.0] * 16, "mask_mean": [0.0] * 12, "mask_std": [1.0] * 12}
    pipe = build_pipeline(vae, make_unet(28, 8, (64, 128, 128), per_stream=True), make_scheduler(), stats,
                          {"class_names": names, "latent": latent}, tile=32).to(dev)
    n = 4 if quick else 16
    runs = [("ddim", 50), ("dpmpp", 20)] + ([] if quick else [("ddpm", 1000)])
    out = {}
    for sampler, steps in runs:
        s = timed(lambda: pipe(num_samples=n, sampler=sampler, steps=steps, progress=False, output_type="np"), dev, 1, 1)
        out[f"{sampler}-{steps}"] = n / s
    return out


def stage_times(reports: Path) -> dict:
    "Wall time of each stage notebook executed by `hsinb run` (papermill's recorded duration), in seconds."
    out = {}
    for nb in sorted(reports.glob("0[2-5]_*.ipynb")):
        meta = json.loads(nb.read_text()).get("metadata", {}).get("papermill", {})
        if meta.get("duration") is not None: out[nb.stem] = round(float(meta["duration"]), 1)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small batches and few repeats (about a minute on 2 cores)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--compile", action="store_true", help="also time torch.compile (slow to warm up)")
    ap.add_argument("--reports", type=Path, default=ROOT / "reports" / "demo", help="stage timings from here")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--only", nargs="*", default=None, help="only the models whose name holds one of these words")
    ap.add_argument("--rounds", type=int, default=None,
                    help="alternating rounds of the variants per model, median reported (default 3, --quick 1)")
    ap.add_argument("--no-sampling", dest="sampling", action="store_false", help="skip the sampling rates")
    ap.add_argument("--sweep-compile", action="store_true", help="also the compiled step at the sweep's largest batch")
    ap.add_argument("--sweep", type=int, nargs="*", default=None,
                    help="joint UNet bf16 step at these batches (default on a GPU: 32 1024 4096 16384, none on a CPU)")
    a = ap.parse_args(argv)
    dev, torch_threads = torch.device(a.device), torch.get_num_threads()
    if a.rounds is None: a.rounds = 1 if a.quick else 3
    if a.rounds < 1: ap.error(f"--rounds must be >= 1, got {a.rounds}")
    if a.sweep is None: a.sweep = [32, 1024, 4096, 16384] if dev.type == "cuda" else []
    host = {"date": time.strftime("%Y-%m-%d %H:%M"), "host": socket.gethostname(), "cpu": cpu_name(),
            "threads": torch_threads, "torch": torch.__version__, "device": str(dev),
            "gpu": torch.cuda.get_device_name(dev) if dev.type == "cuda" else None}
    print(json.dumps(host))
    size, reps = (1024, 3) if a.quick else ((1024, 10) if dev.type == "cpu" else (8192, 20))
    peak = {"fp32": matmul_peak(dev, torch.float32, size, reps),
            "bf16": matmul_peak(dev, torch.bfloat16, size // 2 if dev.type == "cpu" else size, max(1, reps // 5))}
    print(f"matmul peak: fp32 {peak['fp32']:.0f} GFLOP/s, bf16 {peak['bf16']:.0f} GFLOP/s")
    variants = ["fp32", "bf16", "channels-last"] + (["compile"] if a.compile else [])
    rows = []
    print(f"\n{'model':26s} {'variant':14s} {'GFLOP/step':>10s} {'ms/step':>9s} {'GFLOP/s':>8s} {'of peak':>8s}")
    for name, (model, batch, loss_fn) in models(dev, a.quick).items():
        if a.only and not any(o.lower() in name.lower() for o in a.only): continue
        flops = train_flops(model, batch, loss_fn)
        # the variants alternate over `rounds` (fp32, bf16, ..., fp32, bf16, ...): a host whose rate drifts during the
        # run then moves every variant alike, and the median of the rounds is reported (one round measured SegNet's
        # bf16 step 1.08x faster, five alternating rounds 1.12-1.26x)
        times, failed = {v: [] for v in variants}, {}
        for _ in range(a.rounds):
            for v in variants:
                if v in failed: continue
                state = {k: t.clone() for k, t in model.state_dict().items()}
                try: times[v].append(timed(step_fn(model, batch, loss_fn, dev, v), dev, 2 if a.quick else 10, 1))
                except Exception as e:  # a variant the backend cannot run is reported, not fatal
                    failed[v] = f"{type(e).__name__}: {e}"[:200]
                finally:
                    model.to(memory_format=torch.contiguous_format)
                    model.load_state_dict(state)
        for v in variants:
            if v in failed:
                rows.append({"model": name, "variant": v, "error": failed[v]})
                print(f"{name:26s} {v:14s} failed: {failed[v]}", flush=True)
                continue
            s = float(np.median(times[v]))
            achieved = flops / s / 1e9
            ref = peak["bf16" if v == "bf16" else "fp32"]
            ratio = [f / t for f, t in zip(times["fp32"], times[v])] if v != "fp32" and "fp32" not in failed else []
            rows.append({"model": name, "variant": v, "gflop_per_step": flops / 1e9, "ms_per_step": 1e3 * s,
                         "gflop_per_s": achieved, "share_of_peak": achieved / ref,
                         "rounds_ms": [1e3 * t for t in times[v]],
                         **({"speedup_over_fp32_per_round": ratio} if ratio else {})})
            shown = f" x{min(ratio):.2f}-{max(ratio):.2f} of fp32" if ratio else ""
            print(f"{name:26s} {v:14s} {flops / 1e9:10.2f} {1e3 * s:9.1f} {achieved:8.1f} {100 * achieved / ref:7.0f}%"
                  + shown, flush=True)
    mem = (torch.cuda.max_memory_allocated(dev) if dev.type == "cuda"
           else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    samp = sampling(dev, a.quick) if a.sampling else {}
    # on a GPU the stage's batch of 32 latents is launch-bound: the sweep shows what larger batches use of the device
    sweep = unet_batch_sweep(dev, a.sweep, peak["bf16"], a.compile or a.sweep_compile) if a.sweep else []
    res = {"host": host, "quick": a.quick, "matmul_peak_gflops": peak, "train_step": rows, "sampling_pairs_per_s": samp,
           "peak_memory_mb": mem / 2 ** 20, "stage_seconds": stage_times(a.reports), "unet_bf16_batch_sweep": sweep}
    print("sampling (pairs/s):", {k: round(v, 2) for k, v in samp.items()})
    print(f"peak memory: {res['peak_memory_mb']:.0f} MB; stage wall time (s): {res['stage_seconds']}")
    a.out.mkdir(parents=True, exist_ok=True)
    # a GPU run never overwrites a CPU one of the same host name
    tag = "-" + host["gpu"].replace("NVIDIA ", "").replace(" ", "_") if host["gpu"] else ""
    f = a.out / f"{time.strftime('%Y-%m-%d')}-{host['host']}{tag}{'-quick' if a.quick else ''}.json"
    f.write_text(json.dumps(res, indent=1))
    print(f"wrote {f}")


if __name__ == "__main__":
    sys.exit(main())
