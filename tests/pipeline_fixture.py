"""Tiny seeded pipelines and the arrays they sample in every mode.

`python tests/pipeline_fixture.py` writes `tests/fixtures/pipeline_samples.npz`; it was run once before the
pipeline's `__call__` was split into steps (issue 12), and `tests/test_pipeline_fixture.py` checks that today's
pipeline still samples the same arrays from the same weights and seeds. Its `joint_ddpm` entry was rewritten on
2026-11-28, when DDPM's noise started to come from the call's seed (see the test's docstring).
"""
from pathlib import Path
import numpy as np
import torch
import xarray as xr
from hsinb.cube import CHANGE_CLASSES
from hsinb.vae import TwoStreamVAE
from hsinb.diffusion import build_pipeline, make_unet, make_scheduler

FIXTURE = Path(__file__).parent / "fixtures" / "pipeline_samples.npz"
K, C = 3, 6
LATENT = {"image_mean": [0.1, -0.2, 0.0, 0.3], "image_std": [1.0, 0.5, 2.0, 1.5],
          "mask_mean": [0.2, -0.1], "mask_std": [0.7, 1.3]}


def band_stats() -> xr.Dataset:
    "Band statistics in DN: the pipeline returns sensor units."
    return xr.Dataset({"mean": ("band", np.linspace(90.0, 110.0, C)), "std": ("band", np.linspace(8.0, 12.0, C))},
                      coords={"wavelength": ("band", np.linspace(400, 900, C))}, attrs={"units": "DN"})


def pipeline(per_stream: bool, n_images: int = 1):
    "A pipeline whose weights depend only on the seed (0)."
    torch.manual_seed(0)
    k = 2 if n_images == 2 else K
    vae = TwoStreamVAE(C, k, image_latent=4, mask_latent=2, widths=(8, 16, 16), mask_hidden=8).eval()
    names = CHANGE_CLASSES if n_images == 2 else ["a", "b", "c"]
    unet = make_unet(4 * n_images + 2, 4, widths=(8, 16), per_stream=per_stream)
    for p in unet.parameters():  # diffusers zero-initialises the output conv: give every weight a value
        p.data.copy_(torch.randn(p.shape) * 0.2)
    return build_pipeline(vae, unet, make_scheduler(), band_stats(), {"class_names": names, "latent": LATENT},
                          tile=16, n_images=n_images)


def samples() -> dict:
    "Every sampling mode, seeded: {name: array}."
    joint, per = pipeline(False), pipeline(True)
    change = pipeline(False, n_images=2)
    eye = np.eye(16, dtype=int)
    layouts = [eye, np.where(np.arange(16)[None, :] < 8, 0, 2).repeat(16, 0)]
    base = joint(num_samples=1, sampler="ddim", steps=3, seed=5, output_type="np", progress=False)["image"][0]
    region = np.zeros((16, 16), bool)
    region[4:12, 4:12] = True
    out = {}
    for name, pipe, kw in [
            ("joint_dpmpp", joint, dict(num_samples=3, sampler="dpmpp", steps=3, seed=1)),
            ("joint_ddpm", joint, dict(num_samples=2, sampler="ddpm", steps=4, seed=2)),
            ("replacement", joint, dict(mask=layouts, sampler="ddim", steps=3, seed=3)),
            ("edit", joint, dict(mask=eye, image=base, region=region, num_samples=1, sampler="ddim", steps=3, seed=4)),
            ("guided", per, dict(mask=layouts, sampler="ddim", steps=3, seed=3, guidance_scale=2.0)),
            ("per_stream_joint", per, dict(num_samples=2, sampler="dpmpp", steps=3, seed=6)),
            ("change", change, dict(num_samples=2, sampler="ddim", steps=3, seed=7))]:
        got = pipe(progress=False, output_type="np", **kw)
        out[f"{name}/image"], out[f"{name}/mask"] = got["image"], got["mask"]
    out["latent"] = joint(num_samples=2, sampler="ddim", steps=2, seed=8, output_type="latent", progress=False).numpy()
    out["segment/probs"] = per.segment(base[:, :12, :10], steps=3, num_samples=2, seed=9, return_probs=True)
    return out


if __name__ == "__main__":
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    arrays = samples()
    np.savez_compressed(FIXTURE, **arrays)
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size} bytes): " + ", ".join(f"{k} {v.shape}" for k, v in arrays.items()))
