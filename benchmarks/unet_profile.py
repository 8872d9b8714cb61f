"""Where the joint UNet's bf16 training step spends device time, by kind of kernel: matrix products and convolutions
(tensor cores) against normalisation, element-wise and copy kernels (memory-bound). Explains the share of the bf16
peak that `run.py`'s sweep measures. A script, not a test.

    python benchmarks/unet_profile.py [cuda|cpu] [batch]
"""
import sys, re
from collections import defaultdict
from pathlib import Path
import torch
from torch.profiler import profile, ProfilerActivity
from hsinb.diffusion import make_unet, make_scheduler, per_stream_loss
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import step_fn  # the benchmark table's training step (AdamW, autocast)

KINDS = [("group norm", r"group_norm|groupnorm|RowwiseMoments|ComputeInternalGradients|GammaBeta|ComputeFusedParams"),
         ("nearest upsample", r"upsample"),
         ("layout transpose (NCHW <-> NHWC)", r"nchwToNhwc|nhwcToNchw"),
         ("attention", r"sdpa|flash|attention|fmha"),
         ("matrix product / convolution", r"gemm|conv|cutlass|sm90_|xmma|wgmma|implicit|dgrad|wgrad|fprop"),
         ("optimizer (AdamW)", r"adam|multi_tensor"),
         ("reduction", r"reduce_kernel|sum|mean"),
         ("copy / cast", r"copy|cast|cat|fill"),
         ("element-wise", r"elementwise|vectorized|silu|mul|add|pointwise")]


def kind(name: str) -> str:
    return next((k for k, pat in KINDS if re.search(pat, name, re.I)), "other")


def main(dev: str = "cuda", batch: int = 4096):
    d = torch.device(dev)
    unet = make_unet(28, 8, (64, 128, 128), per_stream=True).to(d).train()
    sched = make_scheduler()
    b = {"z": torch.randn(batch, 28, 8, 8, device=d), "cell": torch.ones(batch, 8, 8, dtype=torch.long, device=d)}
    step = step_fn(unet, b, lambda m, x: per_stream_loss(m, x, sched, image_channels=16)[0], d, "bf16")
    for _ in range(3): step()
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if d.type == "cuda" else [])
    with profile(activities=acts) as prof:
        for _ in range(3): step()
        if d.type == "cuda": torch.cuda.synchronize()
    per, launches = defaultdict(float), defaultdict(int)
    for e in prof.key_averages():
        t = e.self_device_time_total if d.type == "cuda" else e.self_cpu_time_total
        if d.type == "cuda" and e.device_type != torch.autograd.DeviceType.CUDA: continue
        if d.type == "cuda" and "#" in e.key: continue  # a profiler range (Optimizer.step#AdamW.step), not a kernel
        if t <= 0: continue
        per[kind(e.key)] += t / 3
        launches[kind(e.key)] += e.count // 3
    total = sum(per.values())
    print(f"joint UNet bf16 training step, batch {batch}, {dev}: {total / 1e3:.1f} ms of kernel time per step, "
          f"{sum(launches.values())} kernels")
    for k, t in sorted(per.items(), key=lambda kv: -kv[1]):
        print(f"  {k:30s} {t / 1e3:8.2f} ms  {100 * t / total:5.1f} %  {launches[k]:5d} kernels")
    sort = "self_cuda_time_total" if d.type == "cuda" else "self_cpu_time_total"
    print(prof.key_averages().table(sort_by=sort, row_limit=15, max_name_column_width=70))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "cuda", int(sys.argv[2]) if len(sys.argv) > 2 else 4096)
