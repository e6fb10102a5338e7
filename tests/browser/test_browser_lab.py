"""Every notebook, opened and run in JupyterLab in headless Chromium, renders as it should.

nbval proves the code runs; this proves what a learner sees: the notebook opens, Run ▸ Run All
Cells finishes with no error or stderr output, every formula is typeset by MathJax (none in
error), and every figure shows. One screenshot per notebook goes to build/screenshots/, and
one in the dark theme (NN-name-dark.png).
"""

import json
import os
import re
import time
import urllib.parse

import pytest

from .browser_support import BUILD, notebook_paths
from .mathcount import expected_formulas

RUN_TIMEOUT = float(os.environ.get("LOSSBOOK_BROWSER_TIMEOUT", "900"))  # seconds per notebook
SHOTS = BUILD / "screenshots"

# The state of the open notebook, read in the page: one entry per cell, plus outputs.
STATE_JS = r"""() => {
  // The notebook in the main area's current tab (not one left open in a background tab).
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const cells = Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell')).map(c => ({
    code: c.classList.contains('jp-CodeCell'),
    prompt: (c.querySelector('.jp-InputArea .jp-InputPrompt') || {}).textContent || '',
  }));
  const status = (document.querySelector('#jp-main-statusbar') || {}).textContent || '';
  const stderr = Array.from(panel.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    .map(e => e.textContent.slice(0, 2000));
  const imgs = Array.from(panel.querySelectorAll('.jp-OutputArea-output img'));
  return {
    cells,
    idle: /\|\s*Idle/.test(status),
    status,
    stderr,
    images: imgs.length,
    brokenImages: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    formulas: panel.querySelectorAll('mjx-container').length,
    mathErrors: Array.from(panel.querySelectorAll('mjx-merror'))
      .map(e => e.getAttribute('data-mjx-error') || e.textContent),
    // Undefined macros do not raise a MathJax error: they are typeset in red.
    undefinedMacros: Array.from(panel.querySelectorAll('mjx-container [style*="color: red"]'))
      .map(e => e.closest('p, li, td, div').textContent.slice(0, 200)),
    // Math that MathJax never saw (unbalanced braces, a $ eaten by markdown) stays as text.
    strayDollars: Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell')).flatMap((c, i) => {
      const md = c.classList.contains('jp-MarkdownCell') && c.querySelector('.jp-RenderedMarkdown');
      if (!md) return [];
      const copy = md.cloneNode(true);
      copy.querySelectorAll('code, pre, mjx-container, script').forEach(e => e.remove());
      return copy.textContent.includes('$') ? [[i, copy.textContent.slice(0, 300)]] : [];
    }),
    collapsed: panel.querySelectorAll('.jp-InputPlaceholder').length,
    unrenderedMarkdown: panel.querySelectorAll('.jp-MarkdownCell:not(.jp-mod-rendered)').length,
  };
}"""


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _expected(nb):
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return {
        "cells": len(nb["cells"]),
        "executed": [bool(_source(c).strip()) for c in code],  # empty cells get no number
        "images": sum("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", [])),
        "formulas": expected_formulas(nb),
        "collapsed": sum(
            bool(c["metadata"].get("jupyter", {}).get("source_hidden")) for c in nb["cells"]
        ),
    }


def _run_finished(state, executed):
    """Kernel idle, nothing queued, and every non-empty code cell numbered (or an error)."""
    if not state or not state["idle"]:
        return False
    prompts = [c["prompt"] for c in state["cells"] if c["code"]]
    if len(prompts) != len(executed) or any("*" in p for p in prompts):
        return False
    numbered = all(
        re.search(r"\[\d+\]", p) for p, run in zip(prompts, executed, strict=True) if run
    )
    return numbered or bool(state["stderr"])


def _wait(page, predicate, timeout, what):
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(STATE_JS)
        if predicate(state):
            return state
        page.wait_for_timeout(500)
    raise AssertionError(
        f"timed out after {timeout:.0f} s waiting for {what}; last state: "
        f"{json.dumps(state)[:3000]}"
    )


def _wait_for_math(page, formulas, settle=15, timeout=300):
    deadline = time.monotonic() + timeout
    last, changed = -1, time.monotonic()
    while time.monotonic() < deadline:
        state = page.evaluate(STATE_JS)
        if state["formulas"] >= formulas or state["mathErrors"]:
            return state
        if state["formulas"] != last:
            last, changed = state["formulas"], time.monotonic()
        elif time.monotonic() - changed > settle:
            return state
        page.wait_for_timeout(500)
    return state


def _menu(page, menu, item):
    """Click a menu of JupyterLab's menu bar, then one of its items."""
    bar = page.locator("#jp-MainMenu .lm-MenuBar-item", has_text=re.compile(f"^{menu}$"))
    bar.click()
    label = page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(f"^{item}$"))
    label.click()


def _theme(page, name):
    """Settings ▸ Theme ▸ name, through the menus; wait until the page has switched."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Settings$")).click()
    page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile("^Theme$")).click()
    page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(f"^{name}$")).click()
    light = "false" if "Dark" in name else "true"
    page.wait_for_function(f"document.body.dataset.jpThemeLight === '{light}'", timeout=30_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_runs_and_renders_in_jupyterlab(path, lab, browser):
    nb = json.loads(path.read_text(encoding="utf-8"))
    expected = _expected(nb)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{path.stem}.png"
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    console = []
    page.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
    page.on("console", lambda m: m.type == "error" and console.append(f"console: {m.text}"))
    try:
        # `reset`: a fresh workspace, so no tab from the previous notebook is restored.
        page.goto(lab.url(f"/lab/tree/{urllib.parse.quote(path.name)}?reset"))
        # Opened: every cell in the DOM (windowing is off on the test server), kernel idle.
        _wait(
            page,
            lambda s: s and len(s["cells"]) == expected["cells"] and s["idle"],
            120,
            "the notebook to open with an idle kernel",
        )

        # Solutions open collapsed; reveal each one as a learner does, by clicking its ⋯, so
        # that their formulas are typeset and their prompts checked too.
        state = page.evaluate(STATE_JS)
        assert state["collapsed"] == expected["collapsed"], (
            f"{state['collapsed']} collapsed cells, the notebook marks {expected['collapsed']}"
        )
        placeholders = page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPlaceholder .jp-Placeholder-content"
        )
        for _ in range(expected["collapsed"]):
            placeholders.first.click()
        _wait(page, lambda s: s["collapsed"] == 0, 30, "the solutions to expand")

        # Edit ▸ Clear Outputs of All Cells, then Run ▸ Run All Cells, through the menus as
        # a learner would: every prompt number and figure checked below is from this run.
        _menu(page, "Edit", "Clear Outputs of All Cells")
        _wait(
            page,
            lambda s: (
                s["images"] == 0 and not any(re.search(r"\d", c["prompt"]) for c in s["cells"])
            ),
            30,
            "outputs to clear",
        )
        _menu(page, "Run", "Run All Cells")
        page.wait_for_timeout(1000)
        state = _wait(
            page,
            lambda s: _run_finished(s, expected["executed"]),
            RUN_TIMEOUT,
            "Run All Cells to finish",
        )
        assert not state["stderr"], "error or stderr output:\n" + "\n---\n".join(state["stderr"])

        # MathJax typesets asynchronously: wait until the count reaches the source's, or
        # stops changing (a formula MathJax could not read never turns up).
        state = _wait_for_math(page, expected["formulas"])
        page.wait_for_timeout(500)
        state = page.evaluate(STATE_JS)
        assert not state["mathErrors"], f"MathJax errors: {state['mathErrors']}"
        assert not state["undefinedMacros"], f"undefined macros in: {state['undefinedMacros']}"
        stray = [
            (i, text) for i, text in state["strayDollars"] if "\\$" not in _source(nb["cells"][i])
        ]  # a literal \$ is allowed
        assert not stray, f"math left as text ($ not typeset) in cells (index, text): {stray}"
        assert state["formulas"] == expected["formulas"], (
            f"{state['formulas']} formulas rendered, the source has {expected['formulas']}"
        )
        assert state["unrenderedMarkdown"] == 0, "markdown cells left unrendered"
        assert state["images"] == expected["images"], (
            f"{state['images']} figures shown, the stored notebook has {expected['images']}"
        )
        assert state["brokenImages"] == 0, f"{state['brokenImages']} figures failed to load"
    finally:
        try:
            page.evaluate("""() => {
              const img = document.querySelector(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img');
              if (img) img.scrollIntoView({block: 'center'});
            }""")
            page.wait_for_timeout(300)
            page.screenshot(path=str(shot))
            # The same view in JupyterLab's dark theme: figures are opaque (lossbook.plots),
            # so their black axes and labels stay legible. Back to light for the next one.
            _theme(page, "JupyterLab Dark")
            page.screenshot(path=str(SHOTS / f"{path.stem}-dark.png"))
            _theme(page, "JupyterLab Light")
        finally:
            context.close()
            lab.shutdown_kernels()
            if console:
                (SHOTS / f"{path.stem}.console.txt").write_text("\n".join(console) + "\n")
