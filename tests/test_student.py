"""The student edition and nbgrader: solutions out, stubs that run, checkers that grade.

These run on whatever notebooks are in notebooks/: each is converted in memory with
tools/nbgrader_cells.py first (a no-op once the notebooks carry the nbgrader cells), then
turned into its student edition with tools/student_edition.py (what `make student` writes).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import nbgrader_cells  # noqa: E402
import student_edition  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
IDS = [p.stem[:2] for p in NOTEBOOKS]
MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
FORGOT_RETURN = "Likely mistake: did you forget the `return` statement?"


def tags(cell):
    return set(cell["metadata"].get("tags", []))


def source(cell):
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def converted(path):
    return nbformat.reads(
        nbgrader_cells.dumps(nbgrader_cells.convert(json.loads(path.read_text("utf-8")))),
        as_version=4)


def solution_of(cell):
    """An exercise cell's code as its author wrote it (the markers dropped)."""
    return "\n".join(line for line in source(cell).splitlines() if not MARKERS.match(line))


def wrong_answer(cell):
    """The solution with the checked function's `return` forgotten: it returns None."""
    name = cell["metadata"]["nbgrader"]["grade_id"]
    out, inside = [], False
    for line in solution_of(cell).splitlines():
        if line.startswith("def "):
            inside = line.startswith(f"def {name}(")
        if inside:
            line = re.sub(r"^(\s+)return\b", r"\1_result =", line)
        out.append(line)
    return "\n".join(out)


def execute(nb, allow_errors=False):
    from nbclient import NotebookClient

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    env_before = os.environ.pop("NBGRADER_EXECUTION", None)
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=allow_errors,
                       resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    finally:
        if env_before is not None:
            os.environ["NBGRADER_EXECUTION"] = env_before
    return nb


def text_of(cell):
    parts = []
    for out in cell.get("outputs", []):
        parts.append("".join(out.get("text", "")))
        if out.get("output_type") == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
    return "\n".join(parts)


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=IDS)
def editions(request):
    solution = converted(request.param)
    return request.param, solution, student_edition.student_edition(solution)


def exercises(nb):
    return [c for c in nb.cells if "exercise" in tags(c)]


def checkers(nb):
    return [c for c in nb.cells if "checker" in tags(c)]


def test_every_code_exercise_has_a_stub_and_a_graded_checker(editions):
    path, solution, student = editions
    assert len(exercises(student)) == len(exercises(solution)) == len(checkers(student))
    if path.name.startswith("00-"):
        return
    assert exercises(student), f"{path.name}: no code exercise calls a checker"
    for stub in exercises(student):
        assert 'raise NotImplementedError("your code here")' in source(stub)
        assert not stub.get("outputs")
        assert not stub.metadata.get("jupyter", {}).get("source_hidden"), "stub hidden"
        assert stub.metadata["nbgrader"]["solution"] is True
    for check in checkers(student):
        meta = check.metadata["nbgrader"]
        assert meta["grade"] is True and meta["points"] > 0 and meta["locked"] is True
        assert re.search(r"^check_\w+\(", source(check), re.M)
        assert not check.get("outputs")


def test_no_line_of_a_solution_is_in_the_student_edition(editions):
    path, solution, student = editions
    public = "\n".join(source(c) + "\n" + text_of(c) for c in solution.cells
                       if not tags(c) & {"solution", "exercise"})
    secret = set()
    for cell in solution.cells:
        if "solution" in tags(cell):
            secret |= {line.strip() for line in source(cell).splitlines()}
            secret |= {line.strip() for line in text_of(cell).splitlines()}
        elif "exercise" in tags(cell):
            lines, inside = source(cell).splitlines(), False
            for line in lines:
                if MARKERS.match(line):
                    inside = "BEGIN" in line
                elif inside:
                    secret.add(line.strip())
    # A line that a public cell also shows (`plt.show()`, a formula quoted in the exercise's
    # text, a number printed elsewhere) gives nothing away.
    secret = {s for s in secret if len(s) > 3 and not s.startswith("#") and s not in public}
    text = nbformat.writes(student)
    leaked = sorted(s for s in secret if s in text)
    assert not leaked, f"{path.name}: solution lines in the student edition: {leaked[:5]}"
    assert not any(tags(c) & {"solution"} for c in student.cells)


def _filled(student, solution, fill):
    by_id = {c.id: c for c in exercises(solution)}
    nb = nbformat.reads(nbformat.writes(student), as_version=4)
    for cell in exercises(nb):
        cell.source = fill(by_id[cell.id])
    return nb


# Run between the three tries of an exercise: the learner's namespace is put back as the stub
# left it, so every cell after the checker runs as it would in the student edition.
_SAVE = "__lossbook_saved = dict(globals())"
_RESTORE = "(lambda saved: (globals().clear(), globals().update(saved)))(__lossbook_saved)"


def _three_tries(student, solution):
    """The student edition with each checker run three times: on the stub as released, on a
    wrong answer (the solution with its `return` forgotten) and on the solution.

    One kernel run per notebook instead of three. Returns the notebook and, for every
    checker, the indices of its three runs.
    """
    by_id = {c.id: c for c in exercises(solution)}
    nb = nbformat.reads(nbformat.writes(student), as_version=4)
    cells, runs, pending = [], [], []

    def code(text, raises=False):
        cell = nbformat.v4.new_code_cell(text)
        if raises:
            cell.metadata["tags"] = ["raises-exception"]  # nbclient lets this cell fail
        cells.append(cell)
        return len(cells) - 1

    for cell in nb.cells:
        cells.append(cell)
        if "exercise" in tags(cell):
            pending.append(by_id[cell.id])
        elif "checker" in tags(cell):
            first = len(cells) - 1
            code(_SAVE)
            for answer in pending:
                code(wrong_answer(answer))
            wrong = code(source(cell), raises=True)
            for answer in pending:
                code(solution_of(answer))
            right = code(source(cell))
            code(_RESTORE)
            runs.append((first, wrong, right))
            pending = []
    nb.cells = cells
    return nb, runs


def test_each_checker_says_not_attempted_then_hints_then_passes(editions):
    """The student edition runs top to bottom with its stubs; each checker says "not
    attempted yet" on the stub, names the forgotten `return` of a wrong answer, and passes
    the solution."""
    path, solution, student = editions
    nb, runs = _three_tries(student, solution)
    ran = execute(nb)  # raises CellExecutionError on the first unexpected error
    for first, wrong, right in runs:
        check = ran.cells[first]
        printed = text_of(check)
        for name in re.findall(r"^(check_\w+)\(", source(check), re.M):
            assert re.search(rf"^{name}: not attempted yet \(\w+ raises NotImplementedError\)",
                             printed, re.M), f"{path.name}: {printed!r}"
        printed = text_of(ran.cells[wrong])
        assert "AssertionError" in printed and FORGOT_RETURN in printed, f"{path.name}: {printed}"
        assert re.search(r"check_\w+: all \d+ cases passed\.", text_of(ran.cells[right])), (
            path.name)


def test_conversion_is_idempotent_and_keeps_metadata():
    for path in NOTEBOOKS:
        original = json.loads(path.read_text("utf-8"))
        once = nbgrader_cells.convert(original)
        assert nbgrader_cells.convert(once) == once, path.name
        for cell in once["cells"]:
            meta = cell["metadata"]
            assert meta.get("slideshow", {}).get("slide_type"), path.name
            if tags(cell) & {"solution", "exercise", "checker"}:
                assert meta["jupyter"]["source_hidden"], path.name
                assert meta["slideshow"]["slide_type"] == "skip", path.name
        counts = [c["execution_count"] for c in once["cells"] if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), path.name


def test_notebooks_carry_the_nbgrader_cells():
    stale = [p for p in NOTEBOOKS
             if nbgrader_cells.dumps(nbgrader_cells.convert(json.loads(p.read_text("utf-8"))))
             != p.read_text("utf-8")]
    if len(stale) == len([p for p in NOTEBOOKS if not p.name.startswith("00-")]):
        pytest.skip("no notebook converted yet: python tools/nbgrader_cells.py notebooks/*.ipynb")
    assert not stale, f"run python tools/nbgrader_cells.py on {[p.name for p in stale]}"


# --------------------------------------------------------------------------------------------
# nbgrader, as a lecturer uses it: generate_assignment, then autograde two submissions
# --------------------------------------------------------------------------------------------


def _nbgrader(course, *args):
    nbgrader = Path(sys.executable).with_name("nbgrader")
    env = {**os.environ, "PATH": f"{nbgrader.parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("NBGRADER_EXECUTION", None)
    done = subprocess.run([str(nbgrader), *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def test_nbgrader_round_trip(tmp_path):
    pytest.importorskip("nbgrader", reason="nbgrader is in the `lecturer` extra (make lock)")
    candidates = [p for p in NOTEBOOKS if exercises(converted(p))]
    if not candidates:
        pytest.skip("no notebook has a code exercise")
    path = next((p for p in candidates if p.name.startswith("05-")), candidates[0])
    course = tmp_path / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    shutil.copy(ROOT / "tools" / "nbgrader_config.py", course / "nbgrader_config.py")
    nbformat.write(converted(path), course / "source" / "ps1" / path.name)

    _nbgrader(course, "generate_assignment", "ps1", "--force")
    released = nbformat.read(course / "release" / "ps1" / path.name, as_version=4)
    solution = converted(path)
    assert not any("solution" in tags(c) for c in released.cells)
    assert all('raise NotImplementedError("your code here")' in source(c)
               for c in exercises(released))
    for student, fill in (("alice", solution_of), ("bob", wrong_answer)):
        target = course / "submitted" / student / "ps1"
        target.mkdir(parents=True)
        nbformat.write(_filled(released, solution, fill), target / path.name)
    _nbgrader(course, "autograde", "ps1", "--create", "--force")
    _nbgrader(course, "generate_feedback", "ps1", "--force")

    from nbgrader.api import Gradebook

    points = sum(c.metadata["nbgrader"]["points"] for c in checkers(released))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission("ps1", "alice").score == points
        assert gb.find_submission("ps1", "bob").score == 0
    feedback = (course / "feedback" / "bob" / "ps1" / path.with_suffix(".html").name)
    html = feedback.read_text("utf-8")
    assert "did you forget the" in html and "return" in html
