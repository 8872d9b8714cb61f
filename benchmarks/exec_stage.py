"""Run a stage notebook's stage cells in this Python process, without a Jupyter kernel.

For machines that have torch and hsinb's libraries but no papermill/ipykernel (e.g. a lent GPU box):

    python benchmarks/exec_stage.py nbs/05_evaluate.ipynb dataset=samson 'fractions=[0.1]' seeds=[0] device=cuda

It imports what the notebook's library cells import, executes the cell tagged `parameters`, then the given
overrides (values are Python literals, else strings), then every later code cell, printing each cell's wall time. The library half of the notebook is not run (the
exported `hsinb` package is imported instead), nor `nbdev_export` cells. Use `papermill` wherever it exists:
it also writes the executed notebook.
"""
import ast, json, os, sys, time

def library_imports(cells) -> str:
    "The module-level imports of the library cells, and `from hsinb.<default_exp> import *`."
    out = []
    for c in cells:
        src = "".join(c["source"])
        if c["cell_type"] != "code": continue
        out += [f"from hsinb.{l.split()[-1]} import *" for l in src.splitlines() if l.startswith("#| default_exp")]
        try: tree = ast.parse("\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError: continue
        imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) and not getattr(n, "level", 0)]
        out += [ast.unparse(n) for n in imports]
    return "\n".join(out)

def stage_cells(path):
    "The library's imports, then the source of the `parameters` cell and of every later code cell."
    cells = json.load(open(path))["cells"]
    start = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    out = [library_imports(cells[:start])]
    for c in cells[start:]:
        src = "".join(c["source"])
        if c["cell_type"] != "code" or "nbdev_export()" in src: continue
        out.append("\n".join(l for l in src.splitlines() if not l.lstrip().startswith(("%", "!"))))
    return out

def literal(v):
    try: return ast.literal_eval(v)
    except (ValueError, SyntaxError): return v

def main(argv):
    if len(argv) < 1: raise SystemExit(__doc__)
    nb, overrides = argv[0], dict(a.split("=", 1) for a in argv[1:])
    os.environ.setdefault("MPLBACKEND", "Agg")
    cells = stage_cells(nb)
    ns = {"__name__": "__main__"}
    for i, src in enumerate(cells):
        t = time.time()
        exec(compile(src, f"{nb}[stage cell {i}]", "exec"), ns)
        if i == 1: ns.update({k: literal(v) for k, v in overrides.items()})
        print(f"[exec_stage] {nb} cell {i}: {time.time() - t:.1f} s", flush=True)

if __name__ == "__main__": main(sys.argv[1:])
