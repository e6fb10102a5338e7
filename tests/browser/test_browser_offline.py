"""The built slides (make slides) and handouts (make html) work with the network cut off.

Each page is opened from file:// in headless Chromium with every other request aborted, and
must then load all it needs (no request blocked, no local file missing, no script error),
typeset every formula with its local MathJax 2 (no "Math Processing Error", no TeX error),
and show every figure. Screenshots go to build/screenshots/slides-*.png and handout-*.png.
axe-core (node_modules/axe-core, from package.json) then audits every deck and handout: no
violation of impact "serious" or "critical" (figures' alt text, contrast, landmarks, ...).
"""

import json

import pytest

from .browser_support import BUILD, ROOT, notebook_paths
from .mathcount import expected_formulas

SHOTS = BUILD / "screenshots"

PAGE_STATE_JS = r"""(scope) => {
  const root = document.querySelector(scope) || document.body;
  const math = Array.from(root.querySelectorAll('.MathJax_CHTML'));
  const imgs = Array.from(root.querySelectorAll('.jp-OutputArea-output img'));
  return {
    formulas: math.length,
    emptyFormulas: math.filter(m => m.getBoundingClientRect().width === 0
      && !m.closest('details:not([open])')
      && m.closest('.present:not(.stack), body:not(.reveal-viewport)')).length,
    // A TeX error shows as an merror, or (MathJax 2's noErrors extension) as its source.
    texErrors: Array.from(root.querySelectorAll('.mjx-merror, .mjx-noError'))
      .map(e => e.textContent),
    // Undefined macros do not raise an error: MathJax typesets them in red.
    undefinedMacros: Array.from(root.querySelectorAll('.MathJax_CHTML [style*="color: red"]'))
      .map(e => e.closest('p, li, td, div').textContent.slice(0, 200)),
    // Math that MathJax never saw (unbalanced braces, a $ eaten by markdown) stays as text.
    strayDollars: Array.from(root.querySelectorAll('.jp-MarkdownCell')).flatMap((c, i) => {
      const copy = c.cloneNode(true);
      copy.querySelectorAll('code, pre, script, .MathJax_Preview, .MathJax_CHTML')
        .forEach(e => e.remove());
      return copy.textContent.includes('$') ? [[i, copy.textContent.slice(0, 300)]] : [];
    }),
    processingErrors: document.body.innerText.includes('Math Processing Error'),
    images: imgs.length,
    brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
  };
}"""


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SOLUTION_TAGS = {"solution", "exercise", "checker"}  # tools/build_site.py, nbgrader_cells.py


def _is_solution(cell):
    return not SOLUTION_TAGS.isdisjoint(cell["metadata"].get("tags", []))


def _slide_cells(nb):
    """The cells a deck shows: not skipped, not a solution."""
    skip = lambda c: c["metadata"].get("slideshow", {}).get("slide_type") == "skip"  # noqa: E731
    return [c for c in nb["cells"] if not skip(c) and not _is_solution(c)]


def _text(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _pngs(cells):
    return sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))


class OfflinePage:
    """A page opened from file:// with every non-file request aborted and recorded."""

    def __init__(self, browser, path):
        if not path.exists():
            pytest.fail(f"{path} is missing: build it first (make slides / make html)")
        self.blocked, self.missing, self.errors = [], [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.on("requestfailed", self._failed)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(path.as_uri())

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _failed(self, request):
        if request.url.startswith("file://"):
            self.missing.append(request.url)

    def typeset(self):
        """Wait until MathJax 2 has loaded and finished everything queued so far."""
        self.page.wait_for_function("window.MathJax && window.MathJax.Hub")
        self.page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")

    def assert_offline(self):
        assert not self.blocked, f"tried to reach the network: {sorted(set(self.blocked))}"
        assert not self.missing, f"local files missing: {sorted(set(self.missing))}"
        assert not self.errors, f"script errors: {self.errors}"

    def state(self, scope="body"):
        return self.page.evaluate(PAGE_STATE_JS, scope)

    def close(self):
        self.context.close()

    def axe(self):
        """axe-core's serious and critical violations: (rule, impact, help, count, where)."""
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: run npm ci (make slides / make html do)")
        self.page.add_script_tag(path=str(AXE))
        found = self.page.evaluate("""async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => [v.id, v.impact, v.help, v.nodes.length,
                       v.nodes.slice(0, 3).map(n => n.target.join(' '))]);
        }""")
        return found


def _assert_rendered(state, cells, images):
    """Every formula of `cells` (the cells the page shows) typeset, every figure shown."""
    formulas = expected_formulas({"cells": cells})
    markdown = [c for c in cells if c["cell_type"] == "markdown"]
    assert not state["processingErrors"], "MathJax: Math Processing Error"
    assert not state["texErrors"], f"TeX errors: {state['texErrors']}"
    assert not state["undefinedMacros"], f"undefined macros in: {state['undefinedMacros']}"
    stray = [(i, text) for i, text in state["strayDollars"] if "\\$" not in _text(markdown[i])]
    assert not stray, f"math left as text ($ not typeset) in markdown cells (n, text): {stray}"
    assert state["formulas"] == formulas, (
        f"{state['formulas']} formulas typeset, the notebook has {formulas}"
    )
    assert state["emptyFormulas"] == 0, f"{state['emptyFormulas']} visible formulas are empty"
    assert state["images"] == images, f"{state['images']} figures, the notebook has {images}"
    assert state["brokenImages"] == 0, f"{state['brokenImages']} figures failed to load"


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_slides_work_offline(path, browser):
    nb = json.loads(path.read_text(encoding="utf-8"))
    shown = _slide_cells(nb)
    page = OfflinePage(browser, BUILD / "slides" / f"{path.stem}.slides.html")
    try:
        page.typeset()
        page.page.wait_for_selector(".reveal.ready")
        page.assert_offline()
        # Count inside the slides only: reveal.js copies the current slide's text (formulas
        # included) into an aria-live region for screen readers.
        _assert_rendered(page.state(".reveal .slides"), shown, _pngs(shown))
        # Show the first slide with a displayed formula, then screenshot it.
        where = page.page.evaluate("""() => {
          const top = Array.from(document.querySelectorAll('.reveal .slides > section'));
          for (let h = 0; h < top.length; h++) {
            const subs = top[h].querySelectorAll(':scope > section');
            const list = subs.length ? Array.from(subs) : [top[h]];
            for (let v = 0; v < list.length; v++)
              if (list[v].querySelector('.MJXc-display')) return `#/${h}/${v}`;
          }
          return '#/0';
        }""")
        page.page.evaluate(f"() => {{ location.hash = '{where}'; }}")
        page.page.wait_for_timeout(1200)  # the slide transition
        page.typeset()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(SHOTS / f"slides-{path.stem}.png"))
        assert page.state(".reveal .slides section.present:not(.stack)")["emptyFormulas"] == 0
        page.assert_offline()
    finally:
        page.close()


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_handout_works_offline(path, browser):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    runs = sum(
        _is_solution(c) and (i == 0 or not _is_solution(cells[i - 1])) for i, c in enumerate(cells)
    )
    page = OfflinePage(browser, BUILD / "html" / f"{path.stem}.html")
    try:
        page.typeset()
        page.assert_offline()
        _assert_rendered(page.state(), cells, _pngs(cells))
        # Solutions are kept, collapsed: one closed <details> per run of solution cells.
        details = page.page.locator("details.lossbook-solution")
        assert details.count() == runs
        assert page.page.locator("details.lossbook-solution[open]").count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        if runs:
            first = details.first
            first.locator("summary").click()
            page.typeset()
            assert first.evaluate("d => d.open")
            first.scroll_into_view_if_needed()
            assert page.state("details.lossbook-solution[open]")["emptyFormulas"] == 0
        else:
            page.page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
        page.page.screenshot(path=str(SHOTS / f"handout-{path.stem}.png"))
        page.assert_offline()
    finally:
        page.close()


@pytest.mark.parametrize("kind", ["slides", "html"])
def test_index_lists_every_notebook(kind, browser):
    page = OfflinePage(browser, BUILD / kind / "index.html")
    try:
        page.typeset()
        page.assert_offline()
        state = page.state()
        assert not state["processingErrors"] and not state["texErrors"], state["texErrors"]
        leftover = page.page.evaluate("""() => Array.from(document.querySelectorAll('.summary'))
          .map(s => { const c = s.cloneNode(true);
                      c.querySelectorAll('script, .MathJax_Preview, .MathJax_CHTML')
                        .forEach(e => e.remove());
                      return c.textContent; })
          .filter(t => t.includes('$'))""")
        assert not leftover, f"math left as text in the summaries: {leftover}"
        hrefs = page.page.eval_on_selector_all("li a", "links => links.map(a => a.href)")
        suffix = ".slides.html" if kind == "slides" else ".html"
        expected = [(BUILD / kind / f"{p.stem}{suffix}").as_uri() for p in notebook_paths()]
        assert hrefs == expected
        titles = page.page.eval_on_selector_all("li a", "links => links.map(a => a.textContent)")
        assert all(t[:2].isdigit() and " · " in t for t in titles), titles
    finally:
        page.close()


@pytest.mark.parametrize("kind", ["slides", "html"])
@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_pages_have_no_serious_accessibility_violations(path, kind, browser):
    name = f"{path.stem}.slides.html" if kind == "slides" else f"{path.stem}.html"
    page = OfflinePage(browser, BUILD / kind / name)
    try:
        page.typeset()
        if kind == "slides":
            page.page.wait_for_selector(".reveal.ready")
        # The page's own loads first: axe-core then re-reads the stylesheets with XHR, which
        # Chromium refuses for file:// URLs (reported as failed requests, not as missing files).
        page.assert_offline()
        violations = page.axe()
        assert not violations, f"{name}: axe-core (serious/critical): {violations}"
    finally:
        page.close()
