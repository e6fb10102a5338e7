"""Count the formulas JupyterLab will hand to MathJax, the way JupyterLab finds them.

`math_groups` is a port of `removeMath` from JupyterLab's `@jupyterlab/rendermime`
(`packages/rendermime/src/latex.ts`): before the markdown parser runs, JupyterLab cuts every
`$...$`, `$$...$$`, `\\begin{env}...\\end{env}` (and the escaped forms of `\\(`/`\\[`) out of
the source, skipping code spans and fenced code, never letting math run across a blank line,
and balancing braces. Each group it cuts becomes one `mjx-container` when MathJax typesets it,
so the browser test can compare the number of rendered formulas with the source.

>>> len(math_groups(r"The sigmoid $\\sigma(z) = 1/(1+e^{-z})$ and $$J(\\theta) = 0$$"))
2
>>> math_groups("A price of \\\\$5 and `$x$` in code")
[]
>>> math_groups("$a$ costs $$")
['$a$']
>>> len(math_groups("\\\\begin{align} a &= b \\\\\\\\ c &= d \\\\end{align}"))
1
>>> math_groups("$a\\n\\nb$")
[]
"""

import re

__all__ = ["expected_formulas", "math_groups"]

_INLINE = "$"
_MATHSPLIT = re.compile(
    r"(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n\s*)+|@@\d+@@|\\\\(?:\(|\)|\[|\]))",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^(?P<fence>`{3,}|(?:~T){3,})[^`\n]*\n([\s\S]*?)^(?P=fence)`*$", re.M)
_CODE_SPAN = re.compile(r"(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)", re.M)


def math_groups(text):
    """Return the math strings JupyterLab's `removeMath` extracts from markdown `text`."""
    math = []
    if "`" in text or "~~~" in text:
        text = text.replace("~", "~T")
        text = _FENCE.sub(lambda m: m.group(0).replace("$", "~D"), text)
        text = _CODE_SPAN.sub(lambda m: m.group(0).replace("$", "~D"), text)

        def de_tilde(s):
            return re.sub(r"~([TD])", lambda m: "~" if m.group(1) == "T" else _INLINE, s)
    else:

        def de_tilde(s):
            return s

    blocks = _MATHSPLIT.split(text.replace("\r\n", "\n").replace("\r", "\n"))

    def process(i, j):
        math.append(de_tilde("".join(blocks[i : j + 1])))
        for k in range(i + 1, j + 1):
            blocks[k] = ""
        blocks[i] = "@@"

    start = end = last = None
    braces = 0
    i = 1
    while i < len(blocks):
        block = blocks[i]
        if block.startswith("@"):
            pass  # a literal marker, not math
        elif start is not None:
            if block == end:
                if braces:
                    last = i
                else:
                    process(start, i)
                    start = end = last = None
            elif re.search(r"\n.*\n", block):
                if last is not None:
                    i = last
                    process(start, i)
                start = end = last = None
                braces = 0
            elif block == "{":
                braces += 1
            elif block == "}" and braces:
                braces -= 1
        elif block in (_INLINE, "$$"):
            start, end, braces = i, block, 0
        elif block in ("\\\\(", "\\\\["):
            start, end, braces = i, "\\\\)" if block.endswith("(") else "\\\\]", 0
        elif block[1:6] == "begin":
            start, end, braces = i, "\\end" + block[6:], 0
        i += 2
    if start is not None and last is not None:
        process(start, last)
    return math


def _source(value):
    return "".join(value) if isinstance(value, list) else value


def expected_formulas(nb):
    """Formulas MathJax should render for a notebook (a dict, as read by `json.load`).

    Markdown cells and `text/markdown` outputs are split as JupyterLab splits them; a
    `text/latex` output is one formula.
    """
    count = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            count += len(math_groups(_source(cell["source"])))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                count += len(math_groups(_source(data["text/markdown"])))
            elif "text/latex" in data:
                count += 1
    return count
