"""The stored notebooks keep the course's contract (what strict nbval alone cannot see).

nbval re-runs each notebook and compares outputs; these checks catch what it lets through:
stale execution order, stored errors or stderr, unknown magics, missing structure.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
KNOWN_MAGICS = {"%matplotlib", "%config", "%time", "%timeit", "%%time", "%%timeit"}


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell):
    return "".join(cell["source"])


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name.startswith("00-")


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request):
    return request.param, load(request.param)


def test_executed_top_to_bottom_in_one_kernel(notebook):
    path, nb = notebook
    counts = [c["execution_count"] for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: re-run with make execute"


def test_no_errors_stderr_or_warnings_stored(notebook):
    path, nb = notebook
    for i, cell in enumerate(code_cells(nb)):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name} cell {i}: error stored"
            assert out.get("name") != "stderr", f"{path.name} cell {i}: stderr stored"
            text = "".join(out.get("text", "")) + "".join(
                out.get("data", {}).get("text/plain", "")
            )
            # A warning that escaped (warnings.showwarning's format); a warning caught on
            # purpose and printed by the notebook is fine.
            assert not re.search(r"\.py:\d+: \w*Warning", text), f"{path.name} cell {i}: warning"
            assert not re.search(r" at 0x[0-9a-f]+", text), f"{path.name} cell {i}: an address"


def test_no_unknown_magics(notebook):
    # An unknown %magic passes strict nbval silently (see COURSE.md); forbid all but a few.
    path, nb = notebook
    for cell in code_cells(nb):
        for line in source(cell).splitlines():
            if line.lstrip().startswith("%"):
                assert line.split()[0] in KNOWN_MAGICS, f"{path.name}: {line}"


def test_figures_are_png_not_svg(notebook):
    path, nb = notebook
    for cell in code_cells(nb):
        for out in cell["outputs"]:
            assert "image/svg+xml" not in out.get("data", {}), f"{path.name}: SVG output"


def test_story_structure(notebook):
    path, nb = notebook
    markdown = [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert markdown[0].startswith(f"# {path.name[:2]} · "), f"{path.name}: title"
    first_code = source(code_cells(nb)[0])
    assert "check_environment(" in first_code, f"{path.name}: starts by checking its environment"
    assert any(m.lstrip().startswith("## Summary") for m in markdown), f"{path.name}: summary"
    nxt = f"{int(path.name[:2]) + 1:02d}-"
    following = [p.name for p in NOTEBOOKS if p.name.startswith(nxt)]
    if following:
        assert f"({following[0]})" in markdown[-1], f"{path.name}: ends with a link to the next"


def test_relative_links_resolve(notebook):
    path, nb = notebook
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)#\s]+\.ipynb)", source(cell)):
            assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README table of contents lacks {path.name}"


def test_exercises_with_hidden_executed_solutions(notebook):
    path, nb = notebook
    if path.name.startswith("00-"):
        return  # the opening example has no exercises
    markdown = [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert any(m.lstrip().startswith("## Exercises") for m in markdown), f"{path.name}"
    # "exercise" and "checker" cells are a code exercise split for nbgrader
    # (tools/nbgrader_cells.py): they hold answers too, hidden like the "solution" cells.
    answer_tags = {"solution", "exercise", "checker"}
    solutions = [c for c in nb["cells"] if answer_tags & set(c["metadata"].get("tags", []))]
    assert solutions, f"{path.name}: no solution cells"
    for cell in solutions:
        assert cell["metadata"].get("jupyter", {}).get("source_hidden"), f"{path.name}: shown"
        assert cell["metadata"]["slideshow"]["slide_type"] == "skip", f"{path.name}: on slides"
    checked = [c for c in solutions if c["cell_type"] == "code" and "check_" in source(c)]
    assert checked, f"{path.name}: no solution runs a lossbook.exercises checker"
    # A checker ran on the solution and passed when the notebook was executed (other checker
    # cells may show a wrong attempt being caught).
    printed = ["".join(o.get("text", "")) for c in checked for o in c["outputs"]]
    assert any(re.search(r"check_\w+: all \d+ cases passed", t) for t in printed), path.name


def test_written_answers_are_tagged_as_solutions(notebook):
    # A written answer opens with "**Solution.**"; untagged, the student edition (which drops
    # only tagged cells) would hand it to the learner.
    path, nb = notebook
    for index, cell in enumerate(nb["cells"]):
        if source(cell).lstrip().startswith("**Solution"):
            assert "solution" in cell["metadata"].get("tags", []), f"{path.name}, cell {index}"


def test_every_cell_has_slide_metadata(notebook):
    path, nb = notebook
    for cell in nb["cells"]:
        assert cell["metadata"].get("slideshow", {}).get("slide_type"), f"{path.name}"
