"""Time lossbook.loss_and_gradient against its peers and against the limits, side by side.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_loss.py``). Single BLAS thread.
For each problem (m samples, d columns, dtype of X) it times, in interleaved rounds (order
alternating), and prints the median of the per-round ratios, never absolute times alone:

- ``lossbook``: ``lb.loss_and_gradient(theta, X, y)`` with float labels;
- ``sklearn``: scikit-learn's compiled ``LinearModelLoss(HalfBinomialLoss()).loss_gradient``
  (one thread);
- ``numba``: a fused loop compiled by numba (stable softplus and residual, one pass over X,
  row by row), only if numba is installed (JAX is not compared: numba's loop is the
  stronger peer for one evaluation on a CPU);
- ``X @ w``: one matrix-vector product, the unit of the goals;
- ``two BLAS passes``: ``X_b @ w`` and ``X_b.T @ r`` block by block at lossbook's block size,
  the floor of any blocked evaluation that leaves the arithmetic to BLAS;
- ``minimal passes``: the two BLAS passes plus one ``exp`` and one ``log1p`` (summed) per
  block, the fewest numpy passes any blocked evaluation of the loss and its gradient makes
  (it skips the labels, their check and the residual's arithmetic);
- ``one stream``: ``X.sum()``, reading X once from memory: the physical limit of one
  evaluation.

``--cpu-time`` times the thread's CPU time instead of the wall clock (steadier where other
processes share the cores). Then, for d = 20, it divides float32's ratios by float64's:
lossbook's (the goal: at most 1.0), the two floors' (above 1.0, float32 starts behind: its
per-sample passes would have to cost relatively less than float64's) and that of lossbook's
per-sample passes alone (lossbook - two BLAS passes, relative to X @ w).

Before timing, every candidate is checked to compute the same J and gradient. Finally it
reports the extra memory lossbook allocates (tracemalloc peak) for float, integer and bool
labels, which must not grow with m.
"""

import argparse
import time
import tracemalloc

import numpy as np
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.linear_model._linear_loss import LinearModelLoss
from threadpoolctl import threadpool_limits

import lossbook as lb
from lossbook.objective import _block_rows

try:
    import numba
except ImportError:  # optional: a peer to compare with, not a dependency
    numba = None

# (m, d, dtype of X) and the goal for lossbook / one X @ w, if there is one.
PROBLEMS = [
    (1_000_000, 20, np.float64, 2.0),
    (1_000_000, 20, np.float32, None),  # goal: no worse than float64 (relative to X @ w)
    (10_000_000, 2, np.float64, 3.0),
    (200_000, 200, np.float64, None),
]
QUICK = [(20_000, 20, np.float64, 2.0), (20_000, 20, np.float32, None),
         (200_000, 2, np.float64, 3.0), (5_000, 200, np.float64, None)]


def _numba_loss_gradient():
    @numba.njit(cache=False)
    def loss_gradient(theta, X, y):
        m, d = X.shape
        grad = np.zeros(d)
        total = 0.0
        for i in range(m):
            z = 0.0
            for j in range(d):
                z += X[i, j] * theta[j]
            s = -1.0 if y[i] == 1 else 1.0
            t = s * z
            e = np.exp(-abs(t))
            total += max(t, 0.0) + np.log1p(e)
            r = s * (1.0 if t >= 0 else e) / (1.0 + e)
            for j in range(d):
                grad[j] += r * X[i, j]
        return total / m, grad / m

    return loss_gradient


def two_blas_passes(theta, X, step):
    """The floor of a blocked evaluation: z_b = X_b @ theta, then X_b.T @ z_b, per block."""
    grad = np.zeros(X.shape[1], X.dtype)
    for start in range(0, X.shape[0], step):
        Xb = X[start : start + step]
        grad += Xb.T @ (Xb @ theta)
    return grad


def minimal_passes(theta, X, step):
    """The two BLAS passes with one exp and one log1p per block between them."""
    grad = np.zeros(X.shape[1], X.dtype)
    total = 0.0
    for start in range(0, X.shape[0], step):
        Xb = X[start : start + step]
        e = np.exp(Xb @ theta)
        total += float(np.log1p(e).sum())
        grad += Xb.T @ e
    return total, grad


def _time(fn, clock):
    start = clock()
    fn()
    return clock() - start


def extra_memory(theta, X, y):
    tracemalloc.start()
    lb.loss_and_gradient(theta, X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def bench(m, d, dtype, goal, rounds, numba_fn, clock=time.perf_counter, seed=0):
    rng = np.random.default_rng(seed)
    X = lb.add_intercept(rng.standard_normal((m, d - 1))).astype(dtype)
    theta = (rng.standard_normal(d) / np.sqrt(d)).astype(dtype)
    y = (rng.random(m) < lb.sigmoid(X @ theta)).astype(np.float64)
    y_sk = y.astype(dtype)
    sk = LinearModelLoss(HalfBinomialLoss(), fit_intercept=False)
    step = _block_rows(X)

    candidates = {
        "lossbook": lambda: lb.loss_and_gradient(theta, X, y),
        "sklearn": lambda: sk.loss_gradient(theta, X, y_sk, n_threads=1),
        "X @ w": lambda: X @ theta,
        "two BLAS passes": lambda: two_blas_passes(theta, X, step),
        "minimal passes": lambda: minimal_passes(theta, X, step),
        "one stream": lambda: X.sum(),
    }
    if numba_fn is not None:  # compiled for X's dtype; accumulates in float64
        candidates["numba"] = lambda: numba_fn(theta, X, y)
    # Same answer first: the comparison is only fair if all compute the same thing.
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    J, g = candidates["lossbook"]()
    scale = np.abs(g).max()
    for name in ("sklearn", "numba"):
        if name in candidates:
            J_other, g_other = candidates[name]()
            np.testing.assert_allclose(J, J_other, rtol=rtol)
            np.testing.assert_allclose(g, g_other, rtol=1e3 * rtol, atol=1e3 * rtol * scale)

    times = {name: [] for name in candidates}
    for r in range(rounds):
        order = list(candidates) if r % 2 == 0 else list(reversed(candidates))
        for name in order:
            times[name].append(_time(candidates[name], clock))
    t = {k: np.array(v) for k, v in times.items()}

    def ratio(a, b):
        return np.median(t[a] / t[b])

    print(f"m = {m:>10,}, d = {d:>3}, {np.dtype(dtype).name}, {rounds} interleaved rounds "
          f"(median of per-round ratios):")
    goal_note = f"  (goal <= {goal:.1f}x)" if goal else ""
    print(f"  lossbook / one X @ w             : {ratio('lossbook', 'X @ w'):.2f}x{goal_note}")
    print(f"  lossbook / one stream of X       : {ratio('lossbook', 'one stream'):.2f}x")
    print(f"  two BLAS passes / one X @ w      : {ratio('two BLAS passes', 'X @ w'):.2f}x"
          f"  (the floor of a blocked evaluation)")
    print(f"  minimal passes / one X @ w       : {ratio('minimal passes', 'X @ w'):.2f}x"
          f"  (+ one exp and one log1p per sample)")
    print(f"  lossbook / sklearn loss_gradient : {ratio('lossbook', 'sklearn'):.2f}x")
    if "numba" in t:
        print(f"  lossbook / numba fused loop      : {ratio('lossbook', 'numba'):.2f}x")
    memory = {
        label: extra_memory(theta, X, y.astype(label)) for label in ("float64", "int64", "bool")
    }
    print("  lossbook extra memory (peak)     : "
          + ", ".join(f"{v:.1f} MiB ({k} labels)" for k, v in memory.items())
          + f"  (X itself: {X.nbytes / 2**20:.0f} MiB)")
    per_sample = np.median((t["lossbook"] - t["two BLAS passes"]) / t["X @ w"])
    return {"lossbook": ratio("lossbook", "X @ w"),
            "two BLAS passes (floor)": ratio("two BLAS passes", "X @ w"),
            "minimal passes (floor)": ratio("minimal passes", "X @ w"),
            "lossbook - two BLAS passes": per_sample}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time this thread's CPU time, not the wall clock: on a shared machine"
                        " it leaves out the time spent waiting for a core (one BLAS thread, so all"
                        " the work is this thread's; memory stalls still count)")
    args = parser.parse_args()
    clock = time.thread_time if args.cpu_time else time.perf_counter
    if args.cpu_time:
        print("(timed by this thread's CPU time, not the wall clock)")
    numba_fn = _numba_loss_gradient() if numba is not None else None
    if numba_fn is None:
        print("(numba is not installed: no fused-loop peer)")
    with threadpool_limits(limits=1):
        ratios = {}
        for m, d, dtype, goal in QUICK if args.quick else PROBLEMS:
            ratios[(d, np.dtype(dtype).name)] = bench(m, d, dtype, goal, args.rounds, numba_fn,
                                                    clock)
    f32, f64 = ratios.get((20, "float32")), ratios.get((20, "float64"))
    if f32 is not None and f64 is not None:
        print("float32 / float64, each relative to its own X @ w, d = 20"
              " (goal for lossbook: <= 1.0):")
        for name in f32:
            print(f"  {name:<31s}: {f32[name] / f64[name]:.2f}")
        print("  (a floor above 1.0: float32 starts behind. Its X @ w streams half the bytes; its"
              " other passes cost more\n   than half of float64's: the float labels are float64"
              " in both, and BLAS at d = 20 is not twice as fast)")


if __name__ == "__main__":
    main()
