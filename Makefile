# hsinb — the two commands of the README, and their parts.
#   make demo   install, then run the whole pipeline on the embedded demo scene, quick preset (report in reports/demo/)
#   make test   install, then every test layer (see README "What the tests guard")
PY    ?= python3
# CPU build by default (it is what CI uses); on a GPU machine: make demo TORCH="torch"
TORCH ?= torch==2.13.0
DATASET ?= demo

.PHONY: install demo run test check-sync nbtest pytest nbval nbval-record clean-runs index

install:
	$(PY) -m pip install -q --disable-pip-version-check "$(TORCH)"
	$(PY) -m pip install -q --disable-pip-version-check -e ".[dev]"

demo: install
	hsinb run --dataset demo --preset quick

run:
	hsinb run --dataset $(DATASET)

test: install check-sync nbtest pytest nbval

# the package must be the export of the notebooks, and the notebooks must be clean
check-sync:
	hsinb check-sync

nbtest:
	nbdev_test --n_workers 2 --timing

pytest:
	$(PY) -m pytest -q tests

# re-execute the committed reproducibility notebook and compare every output with the recorded one
nbval:
	$(PY) -m pytest -q --nbval tests/nbval -p no:cacheprovider

# after an intended change of those numbers: re-record, then review the diff before committing
nbval-record:
	jupyter nbconvert --to notebook --execute --inplace tests/nbval/reproducible.ipynb

clean-runs:
	rm -rf runs

# nbs/index.ipynb is the notebook twin of README.md (nbdev's readme_nb): regenerate it after editing the README.
# Title and summary go in the first cell (nbdev reads it as front matter), the rest in the second.
index:
	$(PY) -c "import nbformat; nb = nbformat.read('nbs/index.ipynb', 4); t = open('README.md').read(); i = t.index('\n## '); nb.cells[0].source, nb.cells[1].source = t[:i].strip(), t[i:].strip(); nbformat.write(nb, 'nbs/index.ipynb')"
