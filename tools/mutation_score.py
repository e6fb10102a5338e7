"""Print mutmut's score per module (run by `make mutation`, after `mutmut run`).

Reads `mutmut results --all true` ("lossbook.module.x_function__mutmut_N: status") and
counts, per module, the mutants the tests detected (killed or timed out) against all that
were checked. Mutants with no covering test count as survivors.
"""

import collections
import subprocess
import sys

DETECTED = {"killed", "timeout", "caught by type check", "segfault"}


def main():
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"],
                         capture_output=True, text=True, check=True).stdout
    counts = collections.defaultdict(collections.Counter)
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if "__mutmut_" not in name:
            continue
        module = name.split(".x")[0] if ".x_" in name else name.rsplit(".", 1)[0]
        counts[module][status] += 1
    total = collections.Counter()
    print(f"{'module':<28} {'detected':>8} {'checked':>8} {'score':>7}   survivors")
    for module in sorted(counts):
        c = counts[module]
        checked = sum(n for s, n in c.items() if s != "not checked")
        detected = sum(c[s] for s in DETECTED)
        total["detected"] += detected
        total["checked"] += checked
        score = f"{100 * detected / checked:6.1f}%" if checked else "     -"
        print(f"{module:<28} {detected:>8} {checked:>8} {score}   {checked - detected}")
    if total["checked"]:
        score = 100 * total["detected"] / total["checked"]
        print(f"{'total':<28} {total['detected']:>8} {total['checked']:>8} {score:6.1f}%")
    print("survivors: mutmut results; one in detail: mutmut show NAME")


if __name__ == "__main__":
    main()
