"""lossbook.newton on Dask arrays (lossbook._dask): out of core, and on 1 and 2 workers.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_dask.py --rows 2000000``).
float64, ``--rows`` samples (default 10**7), 19 standard-normal features plus the intercept
(d = 20: 1.6 GB at 10**7 rows), labels from a logistic model, written chunk by chunk
(``--chunk-rows``, default 250,000 rows = 40 MB) to .npy files in a temporary directory
(removed at the end), so the driver never holds more than one chunk. Every fit is
``lb.newton(X, y)`` from zeros, default tolerance; every cluster is a
``distributed.LocalCluster`` of worker processes on 127.0.0.1, one thread each, one BLAS
thread each.

1. Out of core: a cluster of 2 workers, each allowed ``--worker-memory`` (default 600 MiB,
   together less than the data), fits X and y read from the files: each task maps its chunk
   (``np.load(mmap_mode="r")``) where it runs, and nothing is persisted, so every pass reads
   the files again. Peak memory: the driver's and each worker's maximum resident set size
   (``getrusage``: fresh processes, so their peak during this fit; mapped pages of the file
   count while mapped). Passes over the data: how many times the chunks were loaded, divided
   by their number (a counter file every load appends a byte to).
2. The same data in memory (loaded into one numpy array): ``lb.newton`` on it, timed in the
   same run: the ratio of (1) to it, and the coefficients' agreement.
3. A size that fits (``--memory-rows``, default 2,000,000 rows, the first chunks): Dask
   arrays persisted on a cluster of 1 and then of 2 workers (so no disk in the timing),
   fitted, against in-memory ``lb.newton`` on the same rows; timed in interleaved rounds,
   median of the per-round ratios.
4. If dask-ml is installed (``pip install dask-ml``; not a dependency):
   ``dask_ml.linear_model.LogisticRegression(solver="newton", C=1e12)`` (dask-glm's Newton;
   C large for no penalty, as lossbook's l2=0) on the out-of-core data, on 2 workers whose
   memory is not capped: coefficients against lossbook's, passes over the data, time, peak
   memory of the workers.

Ratios, not seconds: the machine is shared and noisy.
"""

import argparse
import logging
import os
import shutil
import statistics
import tempfile
import threading
import time
import warnings
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread per process (workers too)
os.environ.setdefault("OMP_NUM_THREADS", "1")

import dask
import dask.array as da
import numpy as np
import psutil  # a dependency of distributed
from distributed import Client, LocalCluster

import lossbook as lb
from lossbook import _dask

D = 20


def make_chunk(index, rows, seed=0):
    """Chunk ``index`` of the design (intercept first) and its labels, reproducibly."""
    rng = np.random.default_rng([seed, index])
    X = np.empty((rows, D))
    X[:, 0] = 1.0
    X[:, 1:] = rng.standard_normal((rows, D - 1))
    beta = np.linspace(-1, 1, D) / np.sqrt(D)  # logits of standard deviation ~ 0.6
    y = (rng.random(rows) < lb.sigmoid(0.3 + X[:, 1:] @ beta[1:])).astype(np.float64)
    return X, y


def write_chunks(directory, rows, chunk_rows):
    sizes = [min(chunk_rows, rows - start) for start in range(0, rows, chunk_rows)]
    for i, n in enumerate(sizes):
        X, y = make_chunk(i, n)
        np.save(directory / f"X{i:05d}.npy", X)
        np.save(directory / f"y{i:05d}.npy", y)
    return sizes


def load(path, counter):
    """One chunk, memory-mapped where the task runs; counts the load (any process)."""
    with open(counter, "ab") as f:
        f.write(b".")
    return np.load(path, mmap_mode="r")


def from_files(directory, sizes, counter, n_chunks=None):
    """X and y as Dask arrays whose chunks are the files, loaded by the tasks that use them."""
    sizes = sizes[:n_chunks]
    Xs = [da.from_delayed(dask.delayed(load)(directory / f"X{i:05d}.npy", counter), (n, D),
                          np.float64) for i, n in enumerate(sizes)]
    ys = [da.from_delayed(dask.delayed(load)(directory / f"y{i:05d}.npy", counter), (n,),
                          np.float64) for i, n in enumerate(sizes)]
    return da.concatenate(Xs), da.concatenate(ys)


def loads(counter):
    return os.path.getsize(counter) if os.path.exists(counter) else 0


def cluster(n_workers, memory_limit="auto"):
    return LocalCluster(n_workers=n_workers, processes=True, threads_per_worker=1,
                        host="127.0.0.1", dashboard_address="127.0.0.1:0",
                        memory_limit=memory_limit, silence_logs=logging.ERROR)


class PeakMemory:
    """The largest resident set size of some processes while a block runs (sampled every
    10 ms; memory-mapped pages of the files count while they are mapped and resident)."""

    def __init__(self, pids):
        self.procs = [psutil.Process(pid) for pid in pids]

    def rss(self):
        return [p.memory_info().rss / 2**20 for p in self.procs]

    def __enter__(self):
        self.start = self.peak = self.rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.01):
            self.peak = [max(a, b) for a, b in zip(self.peak, self.rss(), strict=True)]

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = [max(a, b) for a, b in zip(self.peak, self.rss(), strict=True)]

    def describe(self, names):
        return ", ".join(f"{name} {peak:.0f} MiB (from {start:.0f})" for name, start, peak
                         in zip(names, self.start, self.peak, strict=True))


def worker_pids(client):
    return list(client.run(os.getpid).values())


def timed(fit):
    start = time.perf_counter()
    result = fit()
    return time.perf_counter() - start, result


class CountingPasses:
    """Counts lossbook's evaluations (one map-reduce each) during a block."""

    def __enter__(self):
        self.n, self._original = 0, _dask.accumulate

        def counting(*args):
            self.n += 1
            return self._original(*args)

        _dask.accumulate = counting
        return self

    def __exit__(self, *exc):
        _dask.accumulate = self._original


def fit_in_memory(directory, n_chunks):
    """lb.newton on the files' data loaded into one numpy array: (seconds, result)."""
    X = np.concatenate([np.load(directory / f"X{i:05d}.npy") for i in range(n_chunks)])
    y = np.concatenate([np.load(directory / f"y{i:05d}.npy") for i in range(n_chunks)])
    return timed(lambda: lb.newton(X, y))


def rel(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--chunk-rows", type=int, default=250_000)
    parser.add_argument("--memory-rows", type=int, default=2_000_000)
    parser.add_argument("--worker-memory", default="600MiB")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("error", lb.ConvergenceWarning)
    # distributed's INFO lines (workers starting, closing) are noise here; closing one of two
    # clusters restores their level for the other, so silence_logs alone is not enough
    logging.getLogger("distributed").setLevel(logging.ERROR)
    directory = Path(tempfile.mkdtemp(prefix="lossbook-bench-dask-"))
    counter = directory / "loads"
    try:
        sizes = write_chunks(directory, args.rows, args.chunk_rows)
        gb = args.rows * D * 8 / 1e9
        print(f"design: {args.rows:,} x {D} float64 ({gb:.2f} GB) in {len(sizes)} .npy chunks "
              f"of {args.chunk_rows:,} rows (written one at a time)")

        # 1. out of core
        with cluster(2, args.worker_memory) as c, Client(c) as client:
            X, y = from_files(directory, sizes, counter)
            memory = PeakMemory([os.getpid(), *worker_pids(client)])
            with CountingPasses() as passes, memory:
                t_ooc, fit_ooc = timed(lambda: lb.newton(X, y))
            n_passes = loads(counter) / (2 * len(sizes))  # X and y files: two loads a chunk
        print(f"\n1. out of core, 2 workers of {args.worker_memory} each: {fit_ooc.n_iter} "
              f"Newton steps, {passes.n} evaluations, {n_passes:g} passes over the files "
              "(the extra one: y alone, counting the classes)")
        print(f"   peak resident memory during the fit: "
              f"{memory.describe(['driver', 'worker 1', 'worker 2'])}; "
              f"the data: {gb * 1e9 / 2**20:.0f} MiB")

        # 2. the same data in memory
        t_mem, fit_mem = fit_in_memory(directory, len(sizes))
        print("\n2. in memory (the driver holds X and y): out-of-core time / "
              f"in-memory time = {t_ooc / t_mem:.2f}; coefficients agree to "
              f"{rel(fit_ooc.theta, fit_mem.theta):.1e} (relative, max-norm)")

        # 3. a size that fits: persisted on 1 and on 2 workers, against in memory
        n_fit = max(1, args.memory_rows // args.chunk_rows)
        rows_fit = sum(sizes[:n_fit])
        X_small = np.concatenate([make_chunk(i, n)[0] for i, n in enumerate(sizes[:n_fit])])
        y_small = np.concatenate([make_chunk(i, n)[1] for i, n in enumerate(sizes[:n_fit])])
        ratios = {1: [], 2: []}
        clusters = {k: cluster(k) for k in ratios}
        clients = {k: Client(c, set_as_default=False) for k, c in clusters.items()}
        try:
            persisted = {}
            for k, client in clients.items():
                arrays = client.persist(list(from_files(directory, sizes, counter, n_fit)))
                client.gather(client.compute(arrays[0].sum()))  # wait until they are there
                persisted[k] = arrays
            for r in range(args.rounds):
                t_ref, ref = timed(lambda: lb.newton(X_small, y_small))
                for k in (1, 2) if r % 2 == 0 else (2, 1):
                    with dask.config.set(scheduler=clients[k]):
                        t_k, fit_k = timed(lambda k=k: lb.newton(*persisted[k]))
                    ratios[k].append(t_k / t_ref)
                    assert rel(fit_k.theta, ref.theta) < 1e-9
        finally:
            for k in ratios:
                clients[k].close()
                clusters[k].close()
        print(f"\n3. {rows_fit:,} rows, persisted on the workers, {args.rounds} interleaved "
              "rounds (median): Dask time / in-memory time = "
              f"{statistics.median(ratios[1]):.2f} with 1 worker, "
              f"{statistics.median(ratios[2]):.2f} with 2 workers")

        # 4. dask-ml, if installed
        try:
            from dask_ml.linear_model import LogisticRegression
        except ImportError as error:
            print(f"\n4. dask-ml not compared ({error}; pip install dask-ml)")
            return
        # (workers not capped: at 10**7 rows, with 600 MiB each, dask-ml's workers were lost)
        with cluster(2) as c, Client(c) as client:
            X, y = from_files(directory, sizes, counter)
            before = loads(counter)
            model = LogisticRegression(solver="newton", C=1e12, tol=1e-10, max_iter=100)
            memory = PeakMemory(worker_pids(client))
            with memory:
                t_ml, _ = timed(lambda: model.fit(X[:, 1:], y))
            ml_passes = (loads(counter) - before) / (2 * len(sizes))
        theta_ml = np.concatenate([[model.intercept_], model.coef_])
        print(f"\n4. dask-ml LogisticRegression(solver='newton') out of core, 2 workers: "
              f"{ml_passes:g} passes over the files (lossbook: {n_passes:g}); "
              f"time / lossbook's = {t_ml / t_ooc:.2f}; coefficients agree with lossbook's to "
              f"{rel(theta_ml, fit_ooc.theta):.1e}; peak resident memory "
              f"{memory.describe(['worker 1', 'worker 2'])}")
    finally:
        shutil.rmtree(directory)


if __name__ == "__main__":
    main()
