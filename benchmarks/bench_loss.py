"""Time lossbook.loss_and_gradient against scikit-learn's compiled loss, side by side.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_loss.py``). Single BLAS thread,
float64. The machine is shared and noisy, so the candidates are timed in interleaved rounds
and the script prints the median of the per-round ratios, never absolute times alone.
Also reports the extra memory lossbook allocates (tracemalloc), which must not grow with m.
"""

import argparse
import time
import tracemalloc

import numpy as np
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.linear_model._linear_loss import LinearModelLoss
from threadpoolctl import threadpool_limits

import lossbook as lb


def _time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench(m, d, rounds, seed=0):
    rng = np.random.default_rng(seed)
    X = lb.add_intercept(rng.standard_normal((m, d - 1)))
    theta = rng.standard_normal(d) / np.sqrt(d)
    y = (rng.random(m) < lb.sigmoid(X @ theta)).astype(np.float64)
    sk = LinearModelLoss(HalfBinomialLoss(), fit_intercept=False)

    candidates = {
        "lossbook": lambda: lb.loss_and_gradient(theta, X, y),
        "sklearn": lambda: sk.loss_gradient(theta, X, y, n_threads=1),
        "floor": lambda: X.T @ (X @ theta),  # the two BLAS passes alone
    }
    # Same answer first: the comparison is only fair if both compute the same thing.
    J, g = candidates["lossbook"]()
    J_sk, g_sk = candidates["sklearn"]()
    np.testing.assert_allclose(J, J_sk, rtol=1e-10)
    np.testing.assert_allclose(g, g_sk, rtol=1e-8, atol=1e-12)

    times = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            times[name].append(_time(fn))
    t = {k: np.array(v) for k, v in times.items()}

    tracemalloc.start()
    lb.loss_and_gradient(theta, X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print(f"m = {m:>9,}, d = {d:>3}, {rounds} interleaved rounds:")
    print(f"  lossbook / sklearn loss_gradient : {np.median(t['lossbook'] / t['sklearn']):.2f}x")
    print(f"  lossbook / floor (X@theta, X.T@r): {np.median(t['lossbook'] / t['floor']):.2f}x")
    print(f"  lossbook extra memory (peak)     : {peak / 2**20:.1f} MiB"
          f"  (X itself: {X.nbytes / 2**20:.0f} MiB)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    sizes = [(10_000, 20), (5_000, 200)] if args.quick else [(1_000_000, 20), (200_000, 200)]
    with threadpool_limits(limits=1):
        for m, d in sizes:
            bench(m, d, args.rounds)


if __name__ == "__main__":
    main()
