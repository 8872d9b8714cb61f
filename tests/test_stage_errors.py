"""Stages run as a user runs them (papermill): a dataset without its files stops at once, naming the files
and where they go; a stage whose input stage is missing says which command produces it."""
import os
from pathlib import Path
import pytest

papermill = pytest.importorskip("papermill")
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("nb", ["02_train_vae", "03_train_diffusion"])
def test_houston_without_files(nb, tmp_path, monkeypatch):
    monkeypatch.setenv("HSINB_DATA", str(tmp_path / "data"))
    with pytest.raises(papermill.PapermillExecutionError) as e:
        papermill.execute_notebook(str(ROOT / "nbs" / f"{nb}.ipynb"), str(tmp_path / "out.ipynb"), kernel_name="python3",
                                   parameters={"dataset": "houston", "out_root": str(tmp_path / "runs")}, cwd=str(ROOT),
                                   progress_bar=False)
    msg = str(e.value)
    assert "FileNotFoundError" in msg and "2013_IEEE_GRSS_DF_Contest_CASI.tif" in msg and str(tmp_path / "data" / "houston") in msg
    assert not (tmp_path / "runs").exists()  # nothing written


def test_diffusion_without_vae_names_the_command(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as e:
        papermill.execute_notebook(str(ROOT / "nbs" / "03_train_diffusion.ipynb"), str(tmp_path / "out.ipynb"), kernel_name="python3",
                                   parameters={"dataset": "demo", "out_root": str(tmp_path / "runs")}, cwd=str(ROOT), progress_bar=False)
    assert "papermill nbs/02_train_vae.ipynb" in str(e.value)
