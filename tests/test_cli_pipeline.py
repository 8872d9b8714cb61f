"""`hsinb run` on a throwaway project with two tiny stage notebooks: order, parameter pass-through, skipping
up-to-date stages, invalidation by an upstream re-run, the failing stage and cell named, earlier reports kept."""
import json
from pathlib import Path
import nbformat
import pytest
from hsinb.cli import run_pipeline


def stage_nb(path: Path, stage: str, extra: str = ""):
    params = nbformat.v4.new_code_cell('dataset = "demo"\nsteps = 1'); params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import json, time\nfrom pathlib import Path\n"
        f"out = Path('runs') / dataset / '{stage}'; out.mkdir(parents=True, exist_ok=True)\n"
        f"{extra}\n"
        "(out / 'metrics.json').write_text(json.dumps({'steps': steps, 'stamp': time.time()}))")
    nb = nbformat.v4.new_notebook(cells=[params, body]); nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "nbs").mkdir()
    stage_nb(tmp_path / "nbs" / "02_train_vae.ipynb", "vae")
    stage_nb(tmp_path / "nbs" / "03_train_diffusion.ipynb", "diffusion")
    return tmp_path


def test_run_skip_and_invalidate(project):
    assert run_pipeline("demo", {"steps": 3}, root=project, log=lambda *a: None) == {"vae": "ran", "diffusion": "ran"}
    m = json.loads((project / "runs" / "demo" / "vae" / "metrics.json").read_text())
    assert m["steps"] == 3  # parameters pass through
    assert (project / "reports" / "demo" / "02_train_vae.ipynb").is_file() and (project / "reports" / "demo" / "summary.md").is_file()
    assert run_pipeline("demo", {"steps": 3}, root=project, log=lambda *a: None) == {"vae": "skipped", "diffusion": "skipped"}
    assert run_pipeline("demo", {"steps": 4}, root=project, log=lambda *a: None) == {"vae": "ran", "diffusion": "ran"}
    # re-running only the first stage makes the second one stale
    assert run_pipeline("demo", {"steps": 4}, stages=["vae"], force=True, root=project, log=lambda *a: None) == {"vae": "ran"}
    assert run_pipeline("demo", {"steps": 4}, root=project, log=lambda *a: None) == {"vae": "skipped", "diffusion": "ran"}


def test_failure_names_stage_and_cell_and_keeps_reports(project):
    run_pipeline("demo", {}, root=project, log=lambda *a: None)
    good = (project / "reports" / "demo" / "03_train_diffusion.ipynb").read_bytes()
    stage_nb(project / "nbs" / "03_train_diffusion.ipynb", "diffusion", extra="raise ValueError('bad parameter: steps')")
    with pytest.raises(RuntimeError, match=r"stage 'diffusion' \(03_train_diffusion.ipynb\) failed in cell 2 of the executed notebook.*ValueError: bad parameter: steps"):
        run_pipeline("demo", {}, root=project, log=lambda *a: None)
    assert (project / "reports" / "demo" / "03_train_diffusion.ipynb").read_bytes() == good
    assert (project / "reports" / "demo" / "03_train_diffusion.failed.ipynb").is_file()


def test_unknown_stage(project):
    with pytest.raises(ValueError, match=r"unknown or unavailable stage\(s\) \['evaluate'\]"):
        run_pipeline("demo", {}, stages=["evaluate"], root=project, log=lambda *a: None)


def test_unknown_parameter_stops_before_anything_runs(project):
    with pytest.raises(ValueError, match="'unused' is declared by no stage"):
        run_pipeline("demo", {"steps": 3, "unused": 1}, root=project, log=lambda *a: None)
    assert not (project / "runs" / "demo" / "vae").exists()


def test_stage_scoped_parameters(project):
    run_pipeline("demo", {"steps": 2, "diffusion.steps": 5}, root=project, log=lambda *a: None)
    got = {s: json.loads((project / "runs" / "demo" / s / "metrics.json").read_text())["steps"] for s in ("vae", "diffusion")}
    assert got == {"vae": 2, "diffusion": 5}  # `stage.key` reaches that stage only, and wins over `key`
