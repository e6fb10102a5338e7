"""The check every notebook runs first: is this the environment the course expects?"""

import importlib
import sys

MIN_PYTHON = (3, 10)
REQUIRED = ("numpy", "matplotlib")


def check_environment(extra=()):
    """Check Python >= 3.10 and that the course's packages import; print one line.

    ``extra`` names further packages a notebook needs (e.g. ``("sklearn",)``). Raises
    ``RuntimeError`` naming what is missing and how to install it. The printed line carries
    no version numbers, so stored notebook outputs do not depend on the machine.

    >>> check_environment()
    Environment OK: Python >= 3.10, numpy, matplotlib, lossbook.
    """
    if sys.version_info < MIN_PYTHON:
        raise RuntimeError(
            f"this course needs Python >= 3.10, this kernel runs {sys.version.split()[0]}"
        )
    missing = []
    for name in (*REQUIRED, *extra):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise RuntimeError(
            f"missing packages: {', '.join(missing)}. Run `make lab` from the course's folder "
            "(or `pip install -e '.[course]'`) and choose the course's kernel."
        )
    names = ", ".join((*REQUIRED, *extra, "lossbook"))
    print(f"Environment OK: Python >= 3.10, {names}.")
