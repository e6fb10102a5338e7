"""Give the notebooks' exercises nbgrader's cell metadata: rewrite them in place, idempotently.

    python tools/nbgrader_cells.py notebooks/*.ipynb          # rewrite (twice: no change)
    python tools/nbgrader_cells.py --check notebooks/*.ipynb  # exit 1 if any would change
    make execute NB=...                                       # then re-run what was rewritten

What it does to each cell tagged "solution":

* A code cell that calls a ``lossbook.exercises`` checker on a function it defines (a
  top-level ``check_xxx(my_function, ...)``) is a *code exercise*. It becomes up to three
  consecutive cells, each keeping the original cell's metadata (slideshow, jupyter,
  other tags):

  1. the **exercise** cell (tag ``exercise``, nbgrader ``solution: true``): the cell's imports
     and function definitions, each function body wrapped in ``### BEGIN SOLUTION`` /
     ``### END SOLUTION``, so that nbgrader's ClearSolutions (``nbgrader generate_assignment``,
     and ``make student``) leaves the signature with a body that raises
     ``NotImplementedError``;
  2. the **checker** cell (tag ``checker``, an autograded nbgrader test cell, ``grade: true``,
     ``points``, locked): the ``from lossbook.exercises import ...`` line and the checker
     calls. With a stub the checker prints "not attempted yet"; under nbgrader it fails the
     cell, so an exercise left undone earns no points; a wrong answer fails it with the hint;
  3. when the cell did more (a loop over the learner's function, an assertion, a print), that
     code goes to a third cell that stays tagged ``solution``.

* Every other solution cell (a derivation in markdown, a code exploration) keeps its tag
  ``solution`` and gets no nbgrader metadata: it is *removed* from the student edition
  (``make student``) and from nbgrader's release (the course's ``tools/nbgrader_config.py``
  runs nbconvert's TagRemovePreprocessor on the ``solution`` tag ahead of nbgrader's own
  preprocessors). Such answers are for reading after trying, not for grading.

Stored outputs move with the code that printed them: the checker's line ("check_x: all N
cases passed.") to the checker cell, the rest to the third cell; execution counts are
renumbered. Re-executing (``make execute``) reproduces them, so strict nbval still passes.
"""

import argparse
import ast
import copy
import json
import re
import sys
from pathlib import Path

CHECKER_MODULE = "lossbook.exercises"
SCHEMA_VERSION = 3


def source_of(cell):
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def tags_of(cell):
    return list(cell.get("metadata", {}).get("tags", []))


def _is_check_call(stmt):
    """A top-level ``check_xxx(name, ...)``: the checker run on the learner's function."""
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id.startswith("check_")
        and bool(stmt.value.args)
        and isinstance(stmt.value.args[0], ast.Name)
    )


def _is_checker_import(stmt):
    return isinstance(stmt, ast.ImportFrom) and stmt.module == CHECKER_MODULE


def _chunks(src, tree):
    """(statement, first line, lines) per top-level statement: a statement's lines start right
    after the previous statement's, so comments and blank lines stay with the code they
    precede (line numbers are 1-based, as in ast)."""
    lines = src.splitlines()
    out, prev_end = [], 0
    for stmt in tree.body:
        out.append((stmt, prev_end + 1, lines[prev_end:stmt.end_lineno]))
        prev_end = stmt.end_lineno
    if out and prev_end < len(lines):
        stmt, start, chunk = out[-1]
        out[-1] = (stmt, start, chunk + lines[prev_end:])
    return out


def _strip_blank(lines):
    lines = list(lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _wrap_function(stmt, start, chunk):
    """The def's lines with its body (after the docstring, if any) between the markers.

    Comments between the signature and the first statement are part of the body (they
    often hold the idea of the solution)."""
    body = stmt.body
    if _is_docstring(body[0]) and len(body) > 1:
        keep = body[0].end_lineno
    else:  # the signature ends on the first line after which the header parses on its own
        keep = next(end for end in range(stmt.lineno, body[0].lineno + 1)
                    if _parses("\n".join(chunk[: end - start + 1]) + "\n    pass"))
    head, rest = chunk[: keep - start + 1], _strip_blank(chunk[keep - start + 1:])
    indent = re.match(r"\s*", rest[0]).group(0)
    return [*head, f"{indent}### BEGIN SOLUTION", *rest, f"{indent}### END SOLUTION"]


def _is_docstring(stmt):
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _parses(text):
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def _join(parts):
    """Join chunks (lists of lines) into cell source, without trailing blank lines."""
    lines = _strip_blank([line for part in parts for line in part])
    return "\n".join(lines)


def _split_stream(outputs, checkers):
    """Split a cell's outputs: the checkers' own lines, and everything else."""
    pattern = re.compile(
        rf"^(?:{'|'.join(map(re.escape, checkers))}): "
        r"(?:all \d+ cases passed\.|not attempted yet .*)$"
    )
    mine, rest = [], []
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            text = "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
            lines = text.splitlines(keepends=True)
            hit = [line for line in lines if pattern.match(line.rstrip("\n"))]
            other = [line for line in lines if not pattern.match(line.rstrip("\n"))]
            if hit:
                mine.append({**out, "text": hit})
            if other:
                rest.append({**out, "text": other})
        else:
            rest.append(out)
    return mine, rest


def _cell(template, cell_id, source, tags, nbgrader=None, outputs=()):
    cell = copy.deepcopy(template)
    cell["id"] = cell_id
    cell["source"] = _as_lines(source)
    meta = cell.setdefault("metadata", {})
    meta["tags"] = tags
    meta.pop("nbgrader", None)
    if nbgrader is not None:
        meta["nbgrader"] = nbgrader
    cell["outputs"] = list(outputs)
    return cell


def _as_lines(text):
    return text.splitlines(keepends=True)


def _unique(name, taken):
    candidate, k = name, 2
    while candidate in taken:
        candidate, k = f"{name}_{k}", k + 1
    taken.add(candidate)
    return candidate


def split_exercise(cell, taken_ids, points=1):
    """The cells that replace one code solution cell, or None if it is not a code exercise."""
    src = source_of(cell)
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return None
    chunks = _chunks(src, tree)
    defined = {s.name for s, _, _ in chunks if isinstance(s, ast.FunctionDef)}
    checks = [s for s, _, _ in chunks if _is_check_call(s) and s.value.args[0].id in defined]
    if not checks:
        return None
    exercise, checker, demo = [], [], []
    for stmt, start, chunk in chunks:
        if _is_checker_import(stmt):
            checker.append([*_strip_blank(chunk), ""])  # a blank line after imports (isort)
        elif stmt in checks:
            checker.append(_strip_blank(chunk))
        elif isinstance(stmt, ast.FunctionDef):
            exercise.append(_wrap_function(stmt, start, chunk))
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            exercise.append(chunk)
        else:
            demo.append(chunk)
    checker_names = sorted({s.value.func.id for s in checks})
    checked = checks[0].value.args[0].id
    other_tags = [t for t in tags_of(cell) if t != "solution"]
    base = cell.get("id") or f"cell-{checked}"
    mine, rest = _split_stream(cell.get("outputs", []), checker_names)
    cells = [
        _cell(cell, base, _join(exercise), ["exercise", *other_tags], {
            "grade": False,
            "grade_id": _unique(checked, taken_ids),
            "locked": False,
            "schema_version": SCHEMA_VERSION,
            "solution": True,
            "task": False,
        }),
        _cell(cell, f"{base}-check", _join(checker), ["checker", *other_tags], {
            "grade": True,
            "grade_id": _unique(f"test_{checked}", taken_ids),
            "locked": True,
            "points": points,
            "schema_version": SCHEMA_VERSION,
            "solution": False,
            "task": False,
        }, mine),
    ]
    if demo:
        cells.append(_cell(cell, f"{base}-more", _join(demo), ["solution", *other_tags], None,
                           rest))
    elif rest:
        cells[1]["outputs"] = [*rest, *mine]  # nowhere else to go: keep them visible
    return cells


def convert(nb, points=1):
    """Return a new notebook dict with every code exercise split (see the module docstring)."""
    nb = copy.deepcopy(nb)
    taken = {
        c["metadata"]["nbgrader"]["grade_id"]
        for c in nb["cells"]
        if "grade_id" in c.get("metadata", {}).get("nbgrader", {})
    }
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "solution" in tags_of(cell):
            split = split_exercise(cell, taken, points)
            if split:
                cells += split
                continue
        cells.append(cell)
    count = 0
    for cell in cells:
        if cell["cell_type"] == "code" and cell.get("execution_count") is not None:
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if out.get("output_type") == "execute_result":
                    out["execution_count"] = count
    nb["cells"] = cells
    return nb


def dumps(nb):
    """nbformat's own on-disk layout (what JupyterLab and nbconvert write)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any "
                        "notebook is not converted yet")
    parser.add_argument("--points", type=int, default=1, help="points per checker cell "
                        "(default: %(default)s)")
    args = parser.parse_args(argv)
    stale = []
    for path in args.notebooks:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        new = dumps(convert(nb, args.points))
        before = sum(1 for c in nb["cells"] if "exercise" in tags_of(c))
        after = sum(1 for c in json.loads(new)["cells"] if "exercise" in tags_of(c))
        if new == text:
            print(f"  {path}: up to date ({after} exercise(s))")
            continue
        stale.append(path)
        if args.check:
            print(f"  {path}: {after - before} exercise(s) to convert")
        else:
            path.write_text(new, encoding="utf-8")
            print(f"  {path}: {after - before} exercise(s) converted; re-run it: "
                  f"make execute NB={path}")
    if args.check and stale:
        sys.exit(f"{len(stale)} notebook(s) not converted: python tools/nbgrader_cells.py "
                 + " ".join(map(str, stale)))


if __name__ == "__main__":
    main()
