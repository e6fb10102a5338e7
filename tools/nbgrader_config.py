"""The course's nbgrader configuration: copy it into your nbgrader course folder.

    cp tools/nbgrader_config.py <course>/nbgrader_config.py   # then set course_id below

What it adds to nbgrader's defaults (README, "For lecturers"):

* the same stub as ``make student``: a code exercise's body becomes
  ``raise NotImplementedError("your code here")``, which the checkers report as "not attempted
  yet" while a student works (and as a failure, no points, when nbgrader validates or grades);
* nbconvert's TagRemovePreprocessor, run before nbgrader's own preprocessors, removes the cells
  tagged ``solution`` (derivations, explorations: answers to read, not to grade; they carry no
  nbgrader metadata) from the release;
* nbconvert's ClearMetadataPreprocessor drops ``jupyter.source_hidden`` (the answers are
  collapsed in the solution edition; the stubs must be open), keeping tags, slideshow and
  nbgrader's own metadata.
"""

c = get_config()  # noqa: F821 (nbgrader's config loader provides it)

c.CourseDirectory.course_id = "lossbook"

c.ClearSolutions.code_stub = {
    "python": '# your code here\nraise NotImplementedError("your code here")'}
c.ClearSolutions.enforce_metadata = True

c.TagRemovePreprocessor.enabled = True
c.TagRemovePreprocessor.remove_cell_tags = {"solution"}

c.ClearMetadataPreprocessor.enabled = True
c.ClearMetadataPreprocessor.clear_notebook_metadata = False
c.ClearMetadataPreprocessor.preserve_cell_metadata_mask = {
    "tags", "slideshow", "nbgrader", "editable", "deletable"}

# nbgrader 0.9's default list, with the two nbconvert preprocessors in front.
c.GenerateAssignment.preprocessors = [
    "nbconvert.preprocessors.TagRemovePreprocessor",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]
