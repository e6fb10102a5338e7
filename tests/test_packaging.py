"""The set-up a newcomer relies on: pyproject and environment.yml agree; imports stay light."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Extras that are not part of a learner's environment (installed by their own targets).
NOT_IN_CONDA = {"browser"}
# pip requirements that conda-forge spells otherwise (dask[array] is dask-core plus numpy).
CONDA_SPELLING = {"dask[array]": "dask-core"}


def conda_spelling(spec):
    for pip_name, conda_name in CONDA_SPELLING.items():
        if spec.startswith(pip_name):
            return conda_name + spec[len(pip_name):]
    return spec


def requirement_names(specs):
    return {re.split(r"[<>=!~ \[;]", s, maxsplit=1)[0].strip().lower(): s.replace(" ", "")
            for s in specs}


def conda_dependencies():
    """The top-level `- name>=x` lines of environment.yml (a deliberately tiny parser)."""
    deps, in_deps = [], False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
        elif in_deps and re.match(r"^  - [^ ]", line) and not line.strip().endswith(":"):
            deps.append(line.strip()[2:].strip())
    return requirement_names(deps)


def test_environment_yml_matches_pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra, reqs in project["optional-dependencies"].items():
        if extra not in NOT_IN_CONDA:
            specs += reqs
    expected = requirement_names([conda_spelling(s) for s in specs])
    conda = conda_dependencies()
    conda.pop("python")
    conda.pop("pip")
    assert conda == expected
    assert f"python{project['requires-python']}" in (ROOT / "environment.yml").read_text()


def test_import_lossbook_does_not_import_matplotlib():
    code = "import sys, lossbook; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_import_lossbook_does_not_import_dask():
    # Dask is optional (the scale extra): imported only when a Dask array is passed.
    code = ("import sys, numpy, lossbook; lossbook.newton(*lossbook.make_data()); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_are_documented():
    import lossbook

    for name in lossbook.__all__:
        doc = getattr(lossbook, name).__doc__
        assert doc and len(doc) > 40, name


def locked_versions(path):
    """name -> [(version, marker)] from a `uv pip compile` lock (one pin per marker fork)."""
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;]+)\s*(?:;\s*(.*))?$", line)
        if m:
            pins.setdefault(m[1].lower().replace("_", "-"), []).append((m[2], m[3]))
    return pins


@pytest.mark.parametrize("lock, extras", [
    ("requirements/lock.txt", ("course", "test", "lecturer", "scale")),
    ("requirements/lock-browser.txt", ("course", "test", "lecturer", "scale", "browser")),
])
def test_lock_pins_every_declared_requirement_inside_its_range(lock, extras):
    # `make lab` and `make test` install the lock: it must hold what pyproject.toml declares.
    tomllib = pytest.importorskip("tomllib")
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in extras:
        specs += project["optional-dependencies"][extra]
    pins = locked_versions(ROOT / lock)
    for spec in specs:
        req = Requirement(spec)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{lock} does not pin {name}: run make lock"
        for version, _marker in pins[name]:
            assert req.specifier.contains(version, prereleases=True), (
                f"{lock} pins {name}=={version}, outside {spec}: run make lock")
