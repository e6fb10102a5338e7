"""Write the student edition of every notebook: solutions out, stubs in (``make student``).

    python tools/student_edition.py                  # build/student/NN-name.ipynb
    python tools/student_edition.py --out DIR --notebooks 'notebooks/05-*.ipynb'

Only nbconvert's and nbgrader's own preprocessors, configured here (no hand-written filtering):

* nbconvert's ``TagRemovePreprocessor`` removes the cells tagged ``solution`` (derivations,
  explorations, the demonstration code after a checker) and clears the outputs of the cells
  tagged ``exercise`` and ``checker`` (the slides drop the same cells with the same
  preprocessor, see tools/build_site.py);
* nbgrader's ``ClearSolutions`` replaces what lies between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` in the exercise cells by the stub ``raise NotImplementedError("your
  code here")`` (the same stub as the course's tools/nbgrader_config.py), so a learner finds
  the function's signature to fill in, and its checker prints "not attempted yet";
* nbconvert's ``ClearMetadataPreprocessor`` drops ``jupyter.source_hidden`` (solutions are
  hidden in the solution edition; a stub must be seen), keeping tags, slideshow and nbgrader.

Exercises get their cells from tools/nbgrader_cells.py; a notebook not converted yet is
converted in memory first, so the edition is right either way.
"""

import argparse
import glob
import sys
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from traitlets.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbgrader_cells

ROOT = Path(__file__).resolve().parent.parent
CODE_STUB = '# your code here\nraise NotImplementedError("your code here")'
SOLUTION_TAG = "solution"
EXERCISE_TAGS = ("exercise", "checker")


def student_config():
    c = Config()
    c.NotebookExporter.preprocessors = [
        "nbconvert.preprocessors.TagRemovePreprocessor",
        "nbgrader.preprocessors.ClearSolutions",
        "nbconvert.preprocessors.ClearMetadataPreprocessor",
    ]
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {SOLUTION_TAG}
    c.TagRemovePreprocessor.remove_all_outputs_tags = set(EXERCISE_TAGS)
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    c.ClearSolutions.enforce_metadata = True
    c.ClearMetadataPreprocessor.enabled = True
    c.ClearMetadataPreprocessor.clear_notebook_metadata = False
    c.ClearMetadataPreprocessor.preserve_cell_metadata_mask = {
        "tags", "slideshow", "nbgrader", "editable", "deletable"}
    return c


def student_edition(nb):
    """The student edition of a notebook (a NotebookNode), from its solution edition."""
    nb = nbformat.reads(nbgrader_cells.dumps(nbgrader_cells.convert(nb)), as_version=4)
    exporter = NotebookExporter(config=student_config())
    body, _ = exporter.from_notebook_node(nb, resources={"language": "python"})
    return nbformat.reads(body, as_version=4)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", default="notebooks/[0-9][0-9]-*.ipynb",
                        help="glob, relative to the repository (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student")
    args = parser.parse_args(argv)
    paths = sorted(ROOT / p for p in glob.glob(args.notebooks, root_dir=ROOT))
    if not paths:
        sys.exit(f"no notebooks match {args.notebooks}")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        nb = student_edition(nbformat.read(path, as_version=4))
        stubs = sum("exercise" in c.metadata.get("tags", []) for c in nb.cells)
        nbformat.write(nb, args.out / path.name)
        print(f"  {args.out / path.name}: {stubs} exercise stub(s)")
    print(f"{len(paths)} student notebooks in {args.out}/ (solutions removed; run them: "
          "every checker says 'not attempted yet' until its stub is filled in)")


if __name__ == "__main__":
    main()
