"""Readability counts of issue 12, measured the same way before and after a change.

`python benchmarks/readability.py [--json PATH]` prints, for the exported package (`hsinb/`, the generated
`_modidx.py` aside) and for the stage notebooks' own cells (code cells of `nbs/02_*` .. `nbs/05_*` that are
not exported): lines over 120 characters, lines holding a `;` token (a statement separator, found with
`tokenize`, so a `;` inside a string or comment is not counted) next to lines holding a `;` character at
all, `lambda`s, and the longest exported cell in lines.  A script, not a test: it reads files and prints.
"""
import argparse, io, json, re, tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("02_", "03_", "04_", "05_")


def token_counts(src: str):
    "Lines with a `;` operator token and the number of `lambda` keywords in Python source `src`."
    semi, lambdas = set(), 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(src).readline):
            if tok.type == tokenize.OP and tok.string == ";": semi.add(tok.start[0])
            if tok.type == tokenize.NAME and tok.string == "lambda": lambdas += 1
    except (tokenize.TokenError, IndentationError, SyntaxError): pass
    return len(semi), lambdas


def count_source(src: str) -> dict:
    "Counts for one body of Python source."
    lines = src.splitlines()
    semi, lambdas = token_counts(src)
    return {"lines": len(lines), "over_120": sum(len(l) > 120 for l in lines), "semicolon_statements": semi,
            "semicolon_chars": sum(";" in l for l in lines), "lambdas": lambdas}


def add(total: dict, part: dict) -> dict:
    return {k: total.get(k, 0) + v for k, v in part.items()}


def package_counts(root: Path = ROOT) -> dict:
    "Counts over `hsinb/*.py` without the generated `_modidx.py`."
    total = {}
    for f in sorted((root / "hsinb").glob("*.py")):
        if f.name != "_modidx.py": total = add(total, count_source(f.read_text()))
    return total


def cells(nb: Path):
    "The code cells of notebook `nb` as (source, exported) pairs; IPython magics are blanked out."
    for c in json.loads(nb.read_text())["cells"]:
        if c["cell_type"] != "code": continue
        src = "".join(c["source"])
        exported = bool(re.search(r"^#\|\s*export", src, re.M))
        yield re.sub(r"^\s*[%!].*$", "", src, flags=re.M), exported


def notebook_counts(root: Path = ROOT) -> dict:
    "Counts over the stage notebooks' own (not exported) cells, and the longest exported cell of any notebook."
    stage, longest = {}, (0, "")
    for nb in sorted((root / "nbs").glob("*.ipynb")):
        for src, exported in cells(nb):
            n = len(src.strip().splitlines())
            if exported and n > longest[0]:
                first = src.strip().splitlines()[min(1, n - 1)]  # the line after `#| export`
                longest = (n, f"{nb.name}: {first[:60]}")
            if not exported and nb.name.startswith(STAGES): stage = add(stage, count_source(src))
    return {"stage_cells": stage, "longest_export_cell_lines": longest[0], "longest_export_cell": longest[1]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="also write the counts to this file")
    args = ap.parse_args()
    out = {"package": package_counts(), **notebook_counts()}
    print(json.dumps(out, indent=1))
    if args.json: Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
