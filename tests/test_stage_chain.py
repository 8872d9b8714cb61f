"""Stages 02 -> 03 -> 04 -> 05 chained through papermill as a user runs them (smoke-sized via IN_TEST, into a temp
folder): each stage picks up what the one before wrote, for a segmentation and for a change-detection scene; the
synthetic set written by stage 04 loads back, validated, in another Python process through `hsinb.datasets.load`."""
import json, subprocess, sys
from pathlib import Path
import pytest
from hsinb.evaluate import condition_names, SWAP_CONDITION

papermill = pytest.importorskip("papermill")
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("dataset,kind", [("demo", "seg"), ("demo_cd", "cd")])
def test_whole_pipeline_smoke(dataset, kind, tmp_path, monkeypatch):
    monkeypatch.setenv("IN_TEST", "1")  # smoke-sized parameters
    p = {"dataset": dataset, "out_root": str(tmp_path / "runs"), "report_root": str(tmp_path / "reports")}
    for nb in ("02_train_vae", "03_train_diffusion", "04_synthesize", "05_evaluate"):
        extra = {"exports": ["geotiff", "envi"]} if nb == "04_synthesize" else {}  # the GIS / ENVI copies too
        papermill.execute_notebook(str(ROOT / "nbs" / f"{nb}.ipynb"), str(tmp_path / f"{nb}.ipynb"), parameters={**p, **extra},
                                   kernel_name="python3", cwd=str(ROOT), progress_bar=False)
    runs = tmp_path / "runs" / dataset
    vmeta = json.loads((runs / "vae" / "hsinb_vae.json").read_text())
    assert vmeta["kind"] == kind
    from hsinb.datasets import DEMO_CLASSES
    assert vmeta["class_names"] == (["no change", "change"] if kind == "cd" else DEMO_CLASSES)
    m = json.loads((runs / "diffusion" / "metrics.json").read_text())
    assert m["kind"] == kind and m["ddim_pairs_per_s"] > 0
    assert 0 <= m["conditioning_agreement"] <= 1 and 0 <= m["dpmpp_class_proportion_js"] <= 1
    from hsinb.diffusion import HSIDiffusionPipeline
    pipe = HSIDiffusionPipeline.from_pretrained(runs / "diffusion" / "pipeline")
    assert pipe(num_samples=1, sampler="ddim", steps=2, progress=False)[0].attrs["kind"] == kind

    # stage 04: seg scenes give pairs and semantic-edit triplets, change scenes joint and change-layout triplets
    files = {f.name for f in (runs / "synthesize").iterdir()}
    assert ({"pairs.nc", "pairs.mat"} <= files) == (kind == "seg") and {"triplets.nc", "triplets.mat"} <= files
    code = ("import sys, json; from hsinb.datasets import load; ds = load(sys.argv[1]); "
            "print(json.dumps({'kind': ds.attrs['kind'], 'n': ds.sizes['sample'], 'prov': json.loads(ds.attrs['provenance']), "
            "'align': [float(a) for a in ds['alignment'].values]}))")
    for name in (["pairs.nc"] if kind == "seg" else []) + ["triplets.nc"]:
        out = subprocess.run([sys.executable, "-c", code, str(runs / "synthesize" / name)], capture_output=True, text=True, check=True, cwd=tmp_path)
        got = json.loads(out.stdout)
        assert got["kind"] == ("seg" if name == "pairs.nc" else "cd") and got["n"] >= 1
        assert got["prov"]["dataset"] == dataset and got["prov"]["sampler"] == "dpmpp" and "model" in got["prov"]
        assert all(a != a or 0 <= a <= 1 for a in got["align"])  # NaN (nothing labelled) or a score in [0, 1]
    first = "pairs" if kind == "seg" else "triplets"
    img = "image" if kind == "seg" else "image_t1"
    assert (runs / "synthesize" / "geotiff" / first / f"sample_0000_{img}.tif").is_file()
    assert (runs / "synthesize" / "envi" / first / f"sample_0000_{img}.hdr").is_file()
    s = json.loads((runs / "synthesize" / "metrics.json").read_text())
    assert s["kind"] == kind and s["triplets_generated"] >= 1

    # stage 05: one row per condition, metrics in range, the results table written
    e = json.loads((runs / "evaluate" / "metrics.json").read_text())
    key = "miou" if kind == "seg" else "f1"
    conds = {r["condition"] for r in e["rows"]}
    assert e["headline_metric"] == key and conds >= {"real only", "real only +jitter", "self-training", "generator segment"}
    if "syn only" in conds: assert "syn pre-train, real fine-tune" in conds  # pre-training reuses the synthetic-only model
    assert all(0 <= r[key] <= 1 for r in e["rows"])
    # downstream precision 'auto': bf16 where the CPU has it natively, and only then in the hash (fp32 keeps the old)
    from hsinb.stages import resolve_precision
    assert e["params"].get("down_precision", "no") == resolve_precision("auto", "auto")
    precision = "bf16" if resolve_precision("auto", "auto") == "bf16" else "fp32"
    assert f"downstream models trained in {precision}" in (runs / "evaluate" / "results.md").read_text()
    assert "real only" in (runs / "evaluate" / "results.md").read_text()
    figs = {f.name for f in (tmp_path / "reports" / dataset).glob("*.png")}
    assert {"vae_reconstruction.png", "diffusion_samples.png", "synthesize_alignment.png", "evaluate_gain.png"} <= figs
    assert {"evaluate_predictions.png", "evaluate_synthetic.png"} <= figs  # the test region per condition, the samples
    if kind == "cd":  # the label-free floor in the same table; the change content of the generated triplets
        assert "CVA floor (no labels)" in conds
        cell = next(iter(e["cells"].values()))
        shares = ("changed_share_labelled", "changed_share_joint", "changed_share_conditioned",
                  "changed_share_pixel_kept")
        assert all(0 <= cell[k] <= 1 for k in shares)
        assert "real+syn x1 unfiltered" in conds  # every triplet, no judge: tells whether a filter helps
        assert "real+syn x1 no-change filter" in conds  # the judge vetoes "no change" only
        assert 0 <= cell["changed_share_nochange_kept"] <= 1
        # the no-change filter keeps every generated change pixel, so at least the share of the unfiltered triplets
        assert cell["changed_share_nochange_kept"] >= cell["changed_share_generated"] - 1e-9
        assert len(cell["judge_confirmed_generated"]) == len(cell["judge_recall_test"]) == 2
        assert all(0 <= v <= 1 for v in cell["judge_recall_test"] + cell["judge_confirmed_generated"] if v == v)
        assert "Changed pixels among the labelled pixels" in (runs / "evaluate" / "results.md").read_text()
        # change drawn into the real pairs: every triplet holds drawn change, its judge reading is kept
        assert "real+syn x1 real-context change" in conds
        assert 0 < cell["changed_share_context"] <= 1 and 0 < cell["context_region_share"] <= 1
        assert len(cell["judge_confirmed_context"]) == 2
        assert conds <= set(condition_names(kind))  # the names a `conditions` selection is checked against
        assert "evaluate_context.png" in figs  # the drawn change beside its real context

        # a selection of conditions: only those train (real only always), each as in the full run
        papermill.execute_notebook(str(ROOT / "nbs" / "05_evaluate.ipynb"), str(tmp_path / "05_select.ipynb"),
                                   parameters={**p, "conditions": ["real+syn x1 real-context change"]},
                                   kernel_name="python3", cwd=str(ROOT), progress_bar=False)
        sel = json.loads((runs / "evaluate" / "metrics.json").read_text())
        assert sel["params"]["conditions"] == ["real only", "real+syn x1 real-context change"]
        got = {r["condition"]: r[key] for r in sel["rows"]}
        assert set(got) == {"CVA floor (no labels)", "real only", "real+syn x1 real-context change"}
        full_run = {r["condition"]: r[key] for r in e["rows"]}
        assert all(got[c] == pytest.approx(full_run[c], abs=1e-6) for c in got), (got, full_run)
        # a selection that needs no generator fits none, and its rows are still the full run's
        papermill.execute_notebook(str(ROOT / "nbs" / "05_evaluate.ipynb"), str(tmp_path / "05_swap.ipynb"),
                                   parameters={**p, "conditions": [SWAP_CONDITION]},
                                   kernel_name="python3", cwd=str(ROOT), progress_bar=False)
        sw = json.loads((runs / "evaluate" / "metrics.json").read_text())
        got = {r["condition"]: r[key] for r in sw["rows"]}
        assert set(got) == {"CVA floor (no labels)", "real only", SWAP_CONDITION}
        assert all(got[c] == pytest.approx(full_run[c], abs=1e-6) for c in got), (got, full_run)
        assert "generator" not in next(iter(sw["cells"].values()))  # no generator was fitted

        # repeated trainings (`down_repeats`): a new hash, each trained row the mean of its trainings, and the first
        # training of each condition is the one-training run's model (same seeds, labels and synthetic set)
        papermill.execute_notebook(str(ROOT / "nbs" / "05_evaluate.ipynb"), str(tmp_path / "05_repeats.ipynb"),
                                   parameters={**p, "down_repeats": 2}, kernel_name="python3", cwd=str(ROOT),
                                   progress_bar=False)
        r2 = json.loads((runs / "evaluate" / "metrics.json").read_text())
        assert r2["params"]["down_repeats"] == 2 and "down_repeats" not in e["params"]
        once = {r["condition"]: r[key] for r in e["rows"]}
        trained = [r for r in r2["rows"] if "f1_repeats" in r]
        assert {r["condition"] for r in trained} >= {"real only", "self-training", "real+syn x1 no-change filter"}
        assert "CVA floor (no labels)" not in {r["condition"] for r in trained}  # nothing to repeat without training
        for r in trained:
            assert len(r["f1_repeats"]) == 2 and r["f1"] == pytest.approx(sum(r["f1_repeats"]) / 2)
            assert r["f1_repeats"][0] == pytest.approx(once[r["condition"]], abs=1e-6), r["condition"]
        assert "mean of 2 trainings per cell" in (runs / "evaluate" / "results.md").read_text()
