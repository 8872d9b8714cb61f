"""Your own scene, from any folder (the README's "Your own data"): `hsinb import` on the real Salinas-A and Taizhou
files, a run from a folder outside the checkout that writes only there, a dataset from another package seen inside
a papermill kernel, bad input refused by the command line, and a non-editable install running the stages."""
import json, os, re, subprocess, sys
from pathlib import Path
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HSINB_SHARED_DATA", ROOT.parent / "shared" / "data"))
PLUGIN = ROOT / "tests" / "example_plugin"
needs_data = pytest.mark.skipif(not (SHARED / "salinas_a").is_dir(), reason=f"real data not found under {SHARED}")
SA_NAMES = {1: "Brocoli_green_weeds_1", 10: "Corn_senesced_green_weeds", 11: "Lettuce_romaine_4wk",
            12: "Lettuce_romaine_5wk", 13: "Lettuce_romaine_6wk", 14: "Lettuce_romaine_7wk"}


def hsinb(*args, cwd, env=None, check=True):
    "The console script, as a user runs it, in `cwd`."
    e = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    e.pop("HSINB_DATA", None)
    code = "import sys\nfrom hsinb.cli import main\nraise SystemExit(main(sys.argv[1:]))"
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=cwd, env=e, capture_output=True, text=True)
    if check: assert out.returncode == 0, out.stdout + out.stderr
    return out


@needs_data
def test_import_salinas_a_and_run_from_another_folder(tmp_path):
    sa = SHARED / "salinas_a"
    classes = ",".join(f"{i}={n}" for i, n in SA_NAMES.items())
    out = hsinb("import", "mine", "--image", sa / "SalinasA_corrected.mat", "--mask", sa / "SalinasA_gt.mat",
                "--classes", classes, "--wavelengths", "400:2500", cwd=tmp_path).stdout
    from scipy.io import loadmat
    gt = next(v for k, v in loadmat(sa / "SalinasA_gt.mat").items() if not k.startswith("__"))
    for i, n in SA_NAMES.items():  # the file's non-contiguous ids kept, each with its pixel count
        assert f"{i:>5}  {n:<28} {int((gt == i).sum()):>9,}" in out
    assert "83 x 86 px, 204 bands" in out and f"{int((gt == 0).sum()):,}" in out
    assert (tmp_path / "data" / "mine" / "scene.nc").is_file()
    code = ("from hsinb.datasets import load\nds = load('mine')\n"
            "ids = [int(i) for i in ds['mask'].attrs['source_ids']]\n"
            "print(ds.attrs['kind'], ds['image'].shape, ids, ds['mask'].attrs['class_names'][1])")
    got = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert got.split("\n")[0] == "seg (204, 83, 86) [1, 10, 11, 12, 13, 14] Corn_senesced_green_weeds"
    # the stage kernel finds the imported scene, and everything is written under this folder, none in the checkout
    before = sorted(p.name for p in (ROOT / "runs").iterdir()) if (ROOT / "runs").is_dir() else []
    hsinb("run", "--dataset", "mine", "--stages", "vae", "--quiet", cwd=tmp_path, env={"IN_TEST": "1"})
    assert (tmp_path / "runs" / "mine" / "vae" / "metrics.json").is_file()
    assert (tmp_path / "reports" / "mine" / "summary.md").is_file()
    assert json.loads((tmp_path / "runs" / "mine" / "vae" / "metrics.json").read_text())["dataset"] == "mine"
    assert (sorted(p.name for p in (ROOT / "runs").iterdir()) if (ROOT / "runs").is_dir() else []) == before
    assert "mine           seg here" in hsinb("datasets", cwd=tmp_path).stdout
    # --out: runs and reports elsewhere, the project's imported data still found
    hsinb("run", "--dataset", "mine", "--stages", "vae", "--quiet", "--out", tmp_path / "elsewhere", cwd=tmp_path,
          env={"IN_TEST": "1"})
    assert (tmp_path / "elsewhere" / "runs" / "mine" / "vae" / "metrics.json").is_file()
    assert (tmp_path / "elsewhere" / "reports" / "mine" / "summary.md").is_file()


@needs_data
def test_import_taizhou_change_pair(tmp_path):
    tz = SHARED / "landsat_cd_taizhou"
    out = hsinb("import", "tz", "--image-t1", tz / "2000TM.HDR", "--image-t2", tz / "2003TM", "--change",
                tz / "change.bmp", "--unchanged", tz / "unchanged.bmp", "--units", "DN", cwd=tmp_path).stdout
    from PIL import Image
    chg, unc = (np.asarray(Image.open(tz / f)) for f in ("change.bmp", "unchanged.bmp"))
    chg, unc = (a[..., 0] if a.ndim == 3 else a for a in (chg, unc))
    assert re.search(rf"\n +0  no change +{int((unc == 255).sum()):,}\n", out), out
    assert re.search(rf"\n +1  change +{int((chg == 255).sum()):,}\n", out), out
    assert "400 x 400 px, 6 bands" in out and "482.5-2220 nm (from 2000TM.HDR)" in out
    from hsinb.cube import load_scene
    ds = load_scene(tmp_path / "data" / "tz" / "scene.nc", "cd")
    assert int((ds.change.values == 1).sum()) == int((chg == 255).sum())


def _files(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "cube.npy", rng.uniform(size=(5, 12, 10)))
    np.save(tmp_path / "gt.npy", rng.choice([0, 1, 10], (12, 10)))
    np.save(tmp_path / "gt_float.npy", rng.uniform(size=(12, 10)))
    np.save(tmp_path / "nan.npy", np.full((5, 12, 10), np.nan))
    np.save(tmp_path / "wrong.npy", rng.uniform(size=(5, 10, 12)))
    (tmp_path / "corrupt.npy").write_bytes(b"\x93NUMPY garbage")
    (tmp_path / "cube.xyz").write_text("?")
    (tmp_path / "bad.hdr").write_text("ENVI\nsamples = 10\nlines = 12\nbands = 5\ndata type = 4\ninterleave = bsq\nbyte order = 0\n")
    (tmp_path / "bad").write_bytes(bytes(17))  # far fewer bytes than the header describes


BAD = [  # (arguments after 'import x', what the message must say)
    (["--image", "missing.npy", "--mask", "gt.npy"], "missing.npy: no such file"),
    (["--image", "corrupt.npy", "--mask", "gt.npy"], "corrupt.npy: not a readable .npy array"),
    (["--image", "cube.xyz", "--mask", "gt.npy"], "unknown format '.xyz'"),
    (["--image", "bad.hdr", "--mask", "gt.npy"], "has 17 bytes but its header bad.hdr describes"),
    (["--image", "wrong.npy", "--mask", "gt.npy", "--band-last"], "does not match the labels' 12 x 10"),
    (["--image", "nan.npy", "--mask", "gt.npy"], "600 of 600 values are NaN or infinite"),
    (["--image", "cube.npy", "--mask", "gt_float.npy"], "labels must be whole numbers"),
    (["--image", "cube.npy", "--mask", "gt.npy", "--wavelengths", "400:2500:5"], "expected START:STOP"),
    (["--image", "cube.npy", "--mask", "gt.npy", "--classes", "a,b,c"], "2 label values [1, 10]"),
    (["--image", "cube.npy"], "missing --mask"),
    (["--image-t1", "cube.npy", "--image-t2", "cube.npy", "--change", "gt.npy"], "change values [0, 1, 10]"),
    (["--image", "cube.npy", "--mask", "gt.npy", "--ignore", "0", "--classes", "1=a"], "label values [10] have no name"),
]


@pytest.mark.parametrize("args,msg", BAD, ids=[m.split(":")[0][:30] for _, m in BAD])
def test_bad_input_is_refused_and_leaves_nothing(tmp_path, args, msg):
    _files(tmp_path)
    out = hsinb("import", "x", *args, cwd=tmp_path, check=False)
    assert out.returncode == 1 and msg in out.stderr, out.stderr
    assert not (tmp_path / "data").exists()


def test_unknown_dataset_name_and_reserved_names(tmp_path):
    _files(tmp_path)
    out = hsinb("import", "demo", "--image", "cube.npy", "--mask", "gt.npy", cwd=tmp_path, check=False)
    assert out.returncode == 1 and "'demo' is already a dataset (built in" in out.stderr
    out = hsinb("run", "--dataset", "mien", cwd=tmp_path, check=False)
    assert out.returncode == 1 and "hsinb import mien --image FILE --mask FILE" in out.stderr


def test_entry_point_dataset_is_seen_in_a_papermill_kernel(tmp_path, monkeypatch):
    papermill = pytest.importorskip("papermill")
    import nbformat
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(PLUGIN), os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from hsinb.datasets import load, get_spec\nds = load('example_field')\n"
        "print(ds.attrs['kind'], ds['image'].shape, list(ds['mask'].attrs['class_names']), get_spec('example_field').origin)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, tmp_path / "probe.ipynb")
    papermill.execute_notebook(str(tmp_path / "probe.ipynb"), str(tmp_path / "out.ipynb"), kernel_name="python3",
                               cwd=str(tmp_path), progress_bar=False)
    outs = nbformat.read(tmp_path / "out.ipynb", 4).cells[0].outputs
    text = "".join(o.get("text", "") for o in outs if o.get("name") == "stdout")
    assert text.strip() == "seg (8, 48, 48) ['wheat', 'barley', 'fallow'] package hsinb-example-datasets"
    out = hsinb("datasets", cwd=tmp_path, env={"PYTHONPATH": os.environ["PYTHONPATH"]}).stdout
    assert "example_field  seg built in     package hsinb-example-datasets" in out
    _files(tmp_path)  # a package's dataset name cannot be taken by an import
    out = hsinb("import", "example_field", "--image", "cube.npy", "--mask", "gt.npy", cwd=tmp_path, check=False,
                env={"PYTHONPATH": os.environ["PYTHONPATH"]})
    assert out.returncode == 1 and "already a dataset (package hsinb-example-datasets" in out.stderr


def test_non_editable_install_runs_in_an_empty_folder(tmp_path):
    whl = tmp_path / "whl"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(ROOT),
                    "-w", str(whl)], check=True, capture_output=True, cwd=tmp_path)
    wheel = next(whl.glob("hsinb-*.whl"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    assert sorted(p.name for p in (site / "hsinb" / "stages").glob("*.ipynb")) == [
        "02_train_vae.ipynb", "03_train_diffusion.ipynb", "04_synthesize.ipynb", "05_evaluate.ipynb"]
    empty = tmp_path / "empty"
    empty.mkdir()
    out = hsinb("run", "--dataset", "demo", "--stages", "vae", cwd=empty, env={"IN_TEST": "1", "PYTHONPATH": str(site)})
    assert str(site / "hsinb" / "stages" / "02_train_vae.ipynb") in out.stdout  # the shipped notebook ran
    assert (empty / "runs" / "demo" / "vae" / "metrics.json").is_file() and (empty / "reports" / "demo" / "summary.md").is_file()
    assert sorted(p.name for p in empty.iterdir()) == ["reports", "runs"]
