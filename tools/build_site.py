"""Build the lecture slides and the HTML handouts of every notebook, working offline.

    python tools/build_site.py slides    # build/slides/NN-name.slides.html + index.html
    python tools/build_site.py html      # build/html/NN-name.html + index.html

Both use the notebooks' stored outputs (nothing is re-executed) and every notebook found by
`notebooks/*.ipynb`. reveal.js, MathJax 2, require.js and jQuery are copied from
node_modules/ (installed from package.json by `make slides` / `make html`) into a lib/ folder
next to the pages, so the folder works with no network: copy it to a USB stick, open
index.html. Afterwards every built page is scanned, and the build fails if any of them still
loads something (a script, stylesheet, image, font or module) from http:// or https://.

Slides: headings open slides, derivation steps are fragments, exercise solutions (cells
tagged "solution", "exercise" or "checker", see tools/nbgrader_cells.py) are left out by
nbconvert's TagRemovePreprocessor. Handouts: solutions are kept, collapsed in <details>.

Every figure carries its alternative text (lossbook.plots.show puts it in the output's
metadata; the templates emit it as <img alt>). The build fails on a figure without one;
`--allow-missing-alt` (make slides/html SITE_ARGS=--allow-missing-alt) builds anyway, with a
warning, until every notebook's figures have theirs.
"""

import argparse
import glob
import html
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, SlidesExporter
from nbconvert.filters import markdown2html
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
TEMPLATES = ROOT / "tools" / "templates"
MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"  # nbconvert's default configuration, served locally
# Cells that hold an exercise's answer: hidden in the notebook, out of the slides, collapsed in
# the handouts ("exercise" and "checker" cells come from tools/nbgrader_cells.py).
SOLUTION_TAGS = {"solution", "exercise", "checker"}

# MathJax 2 ships 73 MB, mostly fonts and output modes the CommonHTML output never loads.
_MATHJAX_SKIP = {
    "unpacked",
    "test",
    "docs",
    "fonts/HTML-CSS/Asana-Math",
    "fonts/HTML-CSS/Gyre-Pagella",
    "fonts/HTML-CSS/Gyre-Termes",
    "fonts/HTML-CSS/Latin-Modern",
    "fonts/HTML-CSS/Neo-Euler",
    "fonts/HTML-CSS/STIX-Web",
    "fonts/HTML-CSS/TeX/eot",
    "fonts/HTML-CSS/TeX/svg",
    "fonts/HTML-CSS/TeX/png",
    "jax/output/HTML-CSS",
    "jax/output/SVG",
}
_MATHJAX_KEEP = {"config": {f"{MATHJAX_CONFIG.split(',')[0]}.js", "Safe.js", "local"}}


def _rel(path):
    path = Path(path)
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _copytree(src, dst, skip=(), keep=None):
    """Copy src to dst, leaving out the relative paths in `skip`; in a folder named in
    `keep`, copy only the names listed for it."""
    src = Path(src)
    keep = keep or {}

    def ignore(folder, names):
        rel = Path(folder).relative_to(src).as_posix()
        dropped = {n for n in names if (Path(rel) / n).as_posix() in skip}
        if rel in keep:
            dropped |= {n for n in names if n not in keep[rel]}
        return dropped

    shutil.copytree(src, dst, ignore=ignore, dirs_exist_ok=True)


def install_lib(out, slides):
    """Copy the JavaScript the pages load into out/lib (from node_modules)."""
    if not (NODE / "mathjax" / "MathJax.js").exists():
        sys.exit("node_modules/ is missing: run `npm ci` (make slides / make html do)")
    lib = out / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    lib.mkdir(parents=True)
    _copytree(NODE / "mathjax", lib / "mathjax", _MATHJAX_SKIP, _MATHJAX_KEEP)
    shutil.copy2(NODE / "requirejs" / "require.js", lib / "require.js")
    if slides:
        for part in ("dist", "plugin"):
            _copytree(NODE / "reveal.js" / part, lib / "reveal.js" / part)
        shutil.copy2(NODE / "reveal.js" / "LICENSE", lib / "reveal.js" / "LICENSE")
        shutil.copy2(NODE / "jquery" / "dist" / "jquery.min.js", lib / "jquery.min.js")


def _exporter_config(slides):
    c = Config()
    exporter = "SlidesExporter" if slides else "HTMLExporter"
    c[exporter].extra_template_basedirs = [str(TEMPLATES)]
    c[exporter].extra_template_paths = [str(TEMPLATES)]  # lossbook_a11y.css, shared by both
    c[exporter].template_name = "lossbook_reveal" if slides else "lossbook_lab"
    c[exporter].mathjax_url = f"lib/mathjax/MathJax.js?config={MATHJAX_CONFIG}"
    c[exporter].require_js_url = "lib/require.js"
    c[exporter].jquery_url = "lib/jquery.min.js"
    c[exporter].jupyter_widgets_base_url = "lib/"  # only used by widget notebooks (none here)
    if slides:
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = set(SOLUTION_TAGS)
        c.SlidesExporter.reveal_url_prefix = "lib/reveal.js"
        c.SlidesExporter.reveal_theme = "white"  # "simple" imports Google Fonts
        c.SlidesExporter.reveal_scroll = True  # a slide taller than the screen scrolls
        c.SlidesExporter.reveal_number = "c/t"
        c.SlidesExporter.font_awesome_url = ""
    return c


def _exporter(slides):
    c = _exporter_config(slides)
    exporter = SlidesExporter(config=c) if slides else HTMLExporter(config=c)
    # Not configurable from the command line, and unused without mermaid diagrams: blank them
    # anyway so that no page carries a CDN address.
    exporter.mermaid_js_url = ""
    exporter.mermaid_layout_elk_js_url = ""
    return exporter


def _is_solution(cell):
    return not SOLUTION_TAGS.isdisjoint(cell.metadata.get("tags", []))


def title_of(nb, fallback):
    """The notebook's title: its first level-1 heading (`# 05 · The gradient`)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def summary_of(nb):
    """The first paragraph after the title, as HTML with its math left for MathJax."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for p in (p.strip() for p in cell.source.split("\n\n")):
            if p and not p.startswith("#"):
                return markdown2html(p)
        break
    return ""


def prepare(nb, slides):
    """In memory only: mark where each run of solution cells opens and closes (one <details>
    per run in the handouts). The slides need nothing: TagRemovePreprocessor drops them."""
    cells = nb.cells
    for i, cell in enumerate(cells):
        if slides or not _is_solution(cell):
            continue
        cell.metadata["lossbook_solution_open"] = i == 0 or not _is_solution(cells[i - 1])
        last = i == len(cells) - 1 or not _is_solution(cells[i + 1])
        cell.metadata["lossbook_solution_close"] = last
    return nb


def figures_without_alt(nb):
    """Indices of the code cells with a PNG figure that has no alternative text."""
    return [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for out in c.get("outputs", [])
        if "image/png" in out.get("data", {})
        and not str(out.get("metadata", {}).get("image/png", {}).get("alt", "")).strip()
    ]


def unexecuted(nb):
    return sum(
        1
        for c in nb.cells
        if c.cell_type == "code" and c.source.strip() and c.get("execution_count") is None
    )


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 52em;
       margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }}
ul {{ list-style: none; padding: 0; }} li {{ margin: 1.2em 0; }}
a {{ font-weight: 600; font-size: 1.1em; }} .summary p {{ color: #444; margin: 0.2em 0; }}
.note {{ color: #555; font-size: 0.95em; }}
</style>
<script type="text/x-mathjax-config">
MathJax.Hub.Config({{tex2jax: {{inlineMath: [["$", "$"]], processEscapes: true}},
                     messageStyle: "none"}});
</script>
<script src="lib/mathjax/MathJax.js?config={mathjax_config}"></script>
</head>
<body>
<h1>{title}</h1>
<p class="note">{note}</p>
<ul>
{items}
</ul>
</body>
</html>
"""


def write_index(out, entries, slides):
    items = "\n".join(
        f'<li><a href="{html.escape(href)}">{html.escape(title)}</a>'
        f'<div class="summary">{summary}</div></li>'
        for href, title, summary in entries
    )
    if slides:
        title = "lossbook: lecture slides"
        note = (
            "One reveal.js deck per notebook. Arrow keys or space to move, Esc for the "
            "overview, S for speaker notes, F for full screen. Exercise solutions are "
            "not in the slides (see the handouts). Works offline."
        )
    else:
        title = "lossbook: handouts"
        note = (
            "Every notebook with its stored outputs. Exercise solutions are collapsed: "
            "click “Solution” to open one. Works offline; print to PDF from the browser."
        )
    (out / "index.html").write_text(
        INDEX.format(
            title=title, note=html.escape(note), items=items, mathjax_config=MATHJAX_CONFIG
        ),
        encoding="utf-8",
    )


_LOADING_ATTRS = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
    "input": "src",
}


class _Loads(HTMLParser):
    """Collect every http(s) address a page would load (not plain links to read)."""

    QUOTED = re.compile(r"""["'`]\s*(https?://[^"'`\s]*)""")
    CSS = re.compile(r"""(?:url\(\s*["']?|@import\s+["']?)(https?://[^"')\s]*)""")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.local_css = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        want = _LOADING_ATTRS.get(tag)
        value = (attrs.get(want) or "") if want else ""
        if want and re.match(r"\s*(https?:)?//", value):
            self.found.append(f"<{tag} {want}={value}>")
        elif tag == "link" and value.split("?")[0].endswith(".css"):
            self.local_css.append(value)
        if re.search(r"https?://", attrs.get("style") or ""):
            self.found += self.CSS.findall(attrs["style"])
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script" and (self.QUOTED.search(data) or re.search(r"import\s", data)):
            self.found += self.QUOTED.findall(data)
        elif self._in == "style":
            self.found += self.CSS.findall(data)


_CSS_LOADS = re.compile(r"""(?:url\(\s*["']?|@import\s+(?:url\(\s*)?["']?)([^"')\s;]+)""")


def _css_remote(css, seen):
    """Remote addresses a local stylesheet loads, following its local @imports."""
    if css in seen or not css.is_file():
        return []
    seen.add(css)
    found = []
    for ref in _CSS_LOADS.findall(css.read_text(encoding="utf-8", errors="replace")):
        if re.match(r"(https?:)?//", ref):
            found.append(f"{css.name}: {ref}")
        elif ref.endswith(".css") and not ref.startswith("data:"):
            found += _css_remote((css.parent / ref.split("?")[0]).resolve(), seen)
    return found


def remote_loads(path):
    """Addresses on the network that the page at `path` would load, including through the
    local stylesheets it links (a reveal.js theme may @import web fonts)."""
    path = Path(path)
    parser = _Loads()
    parser.feed(path.read_text(encoding="utf-8"))
    seen = set()
    for href in parser.local_css:
        parser.found += _css_remote((path.parent / href.split("?")[0]).resolve(), seen)
    return parser.found


def check_offline(out):
    problems = {}
    for page in sorted(out.glob("*.html")):
        found = remote_loads(page)
        if found:
            problems[page.name] = found
    for name, found in problems.items():
        print(f"  {name} loads from the network: {', '.join(sorted(set(found)))}", file=sys.stderr)
    if problems:
        sys.exit(f"FAILED: {len(problems)} page(s) in {out} would not work offline")
    print(
        f"offline check: {len(list(out.glob('*.html')))} pages in {_rel(out)}, "
        "none loads anything from the network"
    )


def build(kind, notebooks, out, allow_missing_alt=False):
    slides = kind == "slides"
    no_alt = {}
    for path in notebooks:
        cells = figures_without_alt(nbformat.read(path, as_version=4))
        if cells:
            no_alt[path.name] = cells
    for name, cells in no_alt.items():
        print(f"{'WARNING' if allow_missing_alt else 'ERROR'}: {name}: {len(cells)} figure(s) "
              f"without alternative text (cells {', '.join(map(str, cells))}); end the cell "
              "with lossbook.plots.show(fig, alt=...)", file=sys.stderr)
    if no_alt and not allow_missing_alt:
        sys.exit(f"FAILED: {sum(map(len, no_alt.values()))} figure(s) in {len(no_alt)} "
                 "notebook(s) have no alternative text (--allow-missing-alt builds anyway)")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.html"):
        old.unlink()
    install_lib(out, slides)
    exporter = _exporter(slides)
    entries = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        title = title_of(nb, path.stem)
        missing = unexecuted(nb)
        if missing:
            print(
                f"WARNING: {path.name}: {missing} code cell(s) have no stored outputs "
                f"(run `make execute NB={_rel(path)}`)",
                file=sys.stderr,
            )
        nb.metadata["title"] = title
        summary = summary_of(nb)
        body, _ = exporter.from_notebook_node(
            prepare(nb, slides), resources={"metadata": {"name": path.stem}}
        )
        target = out / f"{path.stem}{'.slides' if slides else ''}.html"
        target.write_text(body, encoding="utf-8")
        entries.append((target.name, title, summary))
        print(f"  {_rel(target)}  ({len(body) // 1024} KiB)  {title}")
    write_index(out, entries, slides)
    print(f"{len(entries)} {'slide decks' if slides else 'handouts'} + index.html in {_rel(out)}/")
    check_offline(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["slides", "html"])
    parser.add_argument(
        "--notebooks",
        default="notebooks/*.ipynb",
        help="glob, relative to the repository or absolute (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, help="default: build/slides or build/html")
    parser.add_argument("--allow-missing-alt", action="store_true",
                        help="build even if a figure has no alternative text (a warning)")
    args = parser.parse_args(argv)
    notebooks = sorted(ROOT / p for p in glob.glob(args.notebooks, root_dir=ROOT))
    if not notebooks:
        sys.exit(f"no notebooks match {args.notebooks}")
    out = (args.out or ROOT / "build" / args.kind).resolve()
    build(args.kind, notebooks, out, args.allow_missing_alt)


if __name__ == "__main__":
    main()
