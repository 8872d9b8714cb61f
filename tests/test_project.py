"""Project hygiene: the package lists agree, the README is the notebook index, the CLI is wired."""
import json, re, configparser, shlex, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]


def names(reqs):
    return {re.split(r"[<>=!~ \[]", r, 1)[0].lower().replace("_", "-") for r in reqs}


def test_environment_yml_agrees_with_settings_ini():
    cfg = configparser.ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini")
    want = names(shlex.split(cfg["DEFAULT"]["requirements"]) + shlex.split(cfg["DEFAULT"]["dev_requirements"]))
    env = (ROOT / "environment.yml").read_text()
    listed = names(m.group(1) for m in re.finditer(r"^\s*-\s+([A-Za-z][\w.\-]*[^\s#]*)", env, re.M))
    listed = {"torch" if n == "pytorch" else n for n in listed}
    missing = want - listed
    assert not missing, f"environment.yml lacks {sorted(missing)} (listed in settings.ini)"


def test_readme_is_index_notebook():
    nb = json.loads((ROOT / "nbs" / "index.ipynb").read_text())
    md = "\n\n".join("".join(c["source"]).strip() for c in nb["cells"] if c["cell_type"] == "markdown")
    assert md.strip() == (ROOT / "README.md").read_text().strip(), "README.md and nbs/index.ipynb differ: run `make index`"


def test_data_readme_lists_every_dataset():
    from hsinb.datasets import REGISTRY
    text = (ROOT / "data" / "README.md").read_text()
    missing = [n for n in REGISTRY if n not in ("demo", "demo_cd") and f"`{n}`" not in text]
    assert not missing, f"data/README.md does not say where the files of {missing} go"


def test_console_script_lists_datasets():
    out = subprocess.run([sys.executable, "-c", "from hsinb.cli import main; raise SystemExit(main(['datasets']))"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "salinas_a" in out.stdout and "houston" in out.stdout


def test_pipeline_unknown_dataset_fails_cleanly():
    from hsinb.cli import main
    assert main(["run", "--dataset", "nope"]) == 1
