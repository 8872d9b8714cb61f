"""Stages 02 -> 03 chained through papermill as a user runs them (smoke-sized via IN_TEST, into a temp folder):
the diffusion stage picks up the VAE the first stage wrote, for a segmentation and for a change-detection scene."""
import json
from pathlib import Path
import pytest

papermill = pytest.importorskip("papermill")
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("dataset,kind", [("demo", "seg"), ("demo_cd", "cd")])
def test_vae_then_diffusion(dataset, kind, tmp_path, monkeypatch):
    monkeypatch.setenv("IN_TEST", "1")  # smoke-sized parameters
    p = {"dataset": dataset, "out_root": str(tmp_path / "runs"), "report_root": str(tmp_path / "reports")}
    for nb in ("02_train_vae", "03_train_diffusion"):
        papermill.execute_notebook(str(ROOT / "nbs" / f"{nb}.ipynb"), str(tmp_path / f"{nb}.ipynb"), parameters=p,
                                   kernel_name="python3", cwd=str(ROOT), progress_bar=False)
    vmeta = json.loads((tmp_path / "runs" / dataset / "vae" / "hsinb_vae.json").read_text())
    assert vmeta["kind"] == kind
    from hsinb.datasets import DEMO_CLASSES
    assert vmeta["class_names"] == (["no change", "change"] if kind == "cd" else DEMO_CLASSES)
    m = json.loads((tmp_path / "runs" / dataset / "diffusion" / "metrics.json").read_text())
    assert m["kind"] == kind and m["ddim_pairs_per_s"] > 0
    assert 0 <= m["conditioning_agreement"] <= 1 and 0 <= m["dpmpp_class_proportion_js"] <= 1
    from hsinb.diffusion import HSIDiffusionPipeline
    pipe = HSIDiffusionPipeline.from_pretrained(tmp_path / "runs" / dataset / "diffusion" / "pipeline")
    out = pipe(num_samples=1, sampler="ddim", steps=2, progress=False)[0]
    assert out.attrs["kind"] == kind
    figs = {f.name for f in (tmp_path / "reports" / dataset).glob("*.png")}
    assert {"vae_reconstruction.png", "diffusion_samples.png", "diffusion_spectra.png", "diffusion_change_triplet.png"} <= figs
