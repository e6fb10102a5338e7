"""lossbook on Dask arrays chunked by rows (lossbook._dask): the same numbers as in memory,
whatever the chunks, the same errors, and a real cluster of worker processes."""

import logging
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import lossbook as lb

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

SYNC = {"scheduler": "synchronous"}
FLOAT64_RTOL = 1e-12
FLOAT32_RTOL = 1e-5  # float32 partial sums in another order: float32's last bits


def problem(m=1000, d=5, dtype=np.float64, seed=3):
    rng = np.random.default_rng(seed)
    X = lb.add_intercept(rng.standard_normal((m, d - 1))).astype(dtype)
    theta = (0.5 * rng.standard_normal(d)).astype(dtype)
    y = rng.random(m) < lb.sigmoid(X.astype(np.float64) @ np.ones(d))
    return theta, X, y


def as_dask(X, y, rows):
    return da.from_array(X, chunks=(rows, X.shape[1])), da.from_array(y, chunks=rows)


def assert_same(got, want, rtol):
    """A result through Dask against the in-memory one: same type, dtype, shape, values."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert_same(g, w, rtol)
        return
    assert type(got) is type(want)
    if isinstance(want, np.ndarray):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=rtol, atol=0)
    else:
        assert got == pytest.approx(want, rel=rtol, abs=0)


FUNCTIONS = [lb.loss, lb.gradient, lb.hessian, lb.loss_and_gradient]


@pytest.mark.parametrize("dtype, rtol", [(np.float64, FLOAT64_RTOL), (np.float32, FLOAT32_RTOL)])
@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_objective_agrees_with_in_memory(func, dtype, rtol, l2):
    theta, X, y = problem(dtype=dtype)
    Xd, yd = as_dask(X, y, rows=137)  # 8 chunks, the last one short
    with dask.config.set(SYNC):
        got = func(theta, Xd, yd, l2=l2)
    assert_same(got, func(theta, X, y, l2=l2), rtol)


def test_float16_bool_and_int_inputs_are_treated_as_in_memory():
    # float16 X is promoted to float32 (chunk by chunk, lazily); bool X and int labels as is.
    theta, X, y = problem(m=400, d=3)
    for XX, yy, th, rtol in [(X.astype(np.float16), y, theta.astype(np.float32), FLOAT32_RTOL),
                             (X > 0, y.astype(np.int64), theta, FLOAT64_RTOL)]:
        Xd, yd = as_dask(XX, yy, rows=128)
        with dask.config.set(SYNC):
            got = lb.loss_and_gradient(th, Xd, yd, l2=0.1)
        assert_same(got, lb.loss_and_gradient(th, XX, yy, l2=0.1), rtol)


def test_results_do_not_depend_on_the_chunks():
    # One chunk, chunks of one block, chunks smaller than a block, a single-row chunk and
    # ragged chunks give the same sums to rounding. (Reference: in memory, one pass.)
    theta, X, y = problem(m=20_000, d=4)
    want = (*lb.loss_and_gradient(theta, X, y, l2=0.1), lb.hessian(theta, X, y, l2=0.1))
    m = X.shape[0]
    for rows in [m, 8192, 3001, 97, ((1, 19_999 - 5000, 5000),)]:
        chunks = rows if isinstance(rows, tuple) else (rows,)
        Xd = da.from_array(X, chunks=(chunks[0], 4))
        yd = da.from_array(y, chunks=chunks[0])
        with dask.config.set(SYNC):
            got = (*lb.loss_and_gradient(theta, Xd, yd, l2=0.1), lb.hessian(theta, Xd, yd, l2=0.1))
        assert_same(got, want, FLOAT64_RTOL)


def test_chunk_partial_sums_are_the_kernels_on_each_chunk():
    # The map step is objective._accumulate on each chunk: checked against per-chunk sums
    # computed independently, in float64 with numpy's own formulas (no lossbook kernel).
    from lossbook import _dask

    theta, X, y = problem(m=300, d=3)
    part = _dask._chunk_sums(X[100:200], y[100:200], theta, (True, True, True, True))
    z = X[100:200] @ theta
    s = np.where(y[100:200], 1.0, 0.0)
    p = 1 / (1 + np.exp(-z))
    assert part.total == pytest.approx(np.sum(np.logaddexp(0, z) - s * z), rel=1e-13)
    np.testing.assert_allclose(part.grad, X[100:200].T @ (p - s), rtol=1e-12)
    np.testing.assert_allclose(part.hess, X[100:200].T @ ((p * (1 - p))[:, None] * X[100:200]),
                               rtol=1e-12)
    assert part.max_t == pytest.approx(np.max(np.where(y[100:200], -z, z)), rel=1e-15)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-9), (np.float32, 1e-4)])
def test_newton_agrees_with_in_memory(dtype, rtol):
    _, X, y = problem(m=2000, d=4, dtype=dtype)
    Xd, yd = as_dask(X, y, rows=300)
    with dask.config.set(SYNC):
        got = lb.newton(Xd, yd, l2=0.01)
    want = lb.newton(X, y, l2=0.01)
    assert got.converged and want.converged
    assert got.theta.dtype == want.theta.dtype and isinstance(got.theta, np.ndarray)
    assert got.n_iter == want.n_iter
    np.testing.assert_allclose(got.theta, want.theta, rtol=rtol, atol=0)
    np.testing.assert_allclose(got.history, want.history, rtol=rtol, atol=0)
    # the minimum is where the in-memory gradient vanishes
    tol = lb.optimize._default_tol(dtype)
    assert np.linalg.norm(lb.gradient(got.theta, X, y, l2=0.01)) < 100 * tol


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-10), (np.float32, 1e-4)])
def test_gradient_descent_agrees_with_in_memory(dtype, rtol):
    _, X, y = problem(m=1000, d=3, dtype=dtype)
    Xd, yd = as_dask(X, y, rows=256)
    with dask.config.set(SYNC):
        got = lb.gradient_descent(Xd, yd, learning_rate=0.5, num_iterations=30, l2=0.2)
    want = lb.gradient_descent(X, y, learning_rate=0.5, num_iterations=30, l2=0.2)
    assert got.n_iter == want.n_iter == 30
    assert got.theta.dtype == want.theta.dtype
    np.testing.assert_allclose(got.theta, want.theta, rtol=rtol, atol=0)
    np.testing.assert_allclose(got.history, want.history, rtol=rtol, atol=0)


def test_gradient_descent_step_too_large_warns_through_dask():
    # The warning's 1/L_s is computed from X.T @ X summed chunk by chunk.
    _, X, y = problem(m=500, d=3)
    Xd, yd = as_dask(X, y, rows=128)
    with dask.config.set(SYNC), pytest.warns(lb.ConvergenceWarning) as got:
        lb.gradient_descent(Xd, yd, learning_rate=1e6, num_iterations=5)
    with pytest.warns(lb.ConvergenceWarning) as want:
        lb.gradient_descent(X, y, learning_rate=1e6, num_iterations=5)
    assert str(got[0].message) == str(want[0].message)
    with dask.config.set(SYNC):
        assert lb.smoothness_constant(Xd, 0.1) == pytest.approx(
            lb.smoothness_constant(X, 0.1), rel=1e-12)


def test_newton_detects_separation_and_one_class_through_dask():
    X, y = lb.make_separable_data()
    Xd, yd = as_dask(X, y, rows=17)
    with dask.config.set(SYNC), pytest.warns(lb.SeparationWarning, match="linearly separable"):
        result = lb.newton(Xd, yd)
    assert not result.converged
    with dask.config.set(SYNC), pytest.warns(lb.SeparationWarning, match="every label is 1"):
        lb.newton(Xd, da.ones(X.shape[0], chunks=17))


def test_each_evaluation_is_one_pass_over_the_chunks(monkeypatch):
    # The optimisers evaluate through the map-reduce (never on X gathered in memory), and
    # each evaluation maps every chunk exactly once.
    from lossbook import _dask

    calls, passes = [], []
    chunk_sums, accumulate = _dask._chunk_sums, _dask.accumulate

    def counting_chunk_sums(Xc, *args):
        calls.append(Xc.shape[0])
        return chunk_sums(Xc, *args)

    def counting_accumulate(*args):
        passes.append(len(calls))
        return accumulate(*args)

    monkeypatch.setattr(_dask, "_chunk_sums", counting_chunk_sums)
    monkeypatch.setattr(_dask, "accumulate", counting_accumulate)
    _, X, y = problem(m=1000, d=3)
    Xd, yd = as_dask(X, y, rows=250)
    with dask.config.set(SYNC):
        lb.newton(Xd, yd, l2=0.1)
        lb.gradient_descent(Xd, yd, learning_rate=0.5, num_iterations=3)
    passes.append(len(calls))
    assert len(passes) > 5
    assert set(np.diff(passes).tolist()) == {4}  # 4 chunks per evaluation
    assert sorted(set(calls)) == [250]


def test_y_may_be_numpy_or_chunked_otherwise():
    theta, X, y = problem(m=500)
    want = lb.loss_and_gradient(theta, X, y)
    Xd = da.from_array(X, chunks=(100, 5))
    with dask.config.set(SYNC):
        for yy in [y, da.from_array(y, chunks=77), da.from_array(y.astype(float), chunks=250)]:
            assert_same(lb.loss_and_gradient(theta, Xd, yy), want, FLOAT64_RTOL)
        # a numpy X with a Dask y
        assert_same(lb.loss_and_gradient(theta, X, da.from_array(y, chunks=99)), want,
                    FLOAT64_RTOL)


def test_inputs_are_not_computed_or_modified():
    theta, X, y = problem(m=300)
    X_before, theta_before = X.copy(), theta.copy()
    Xd, yd = as_dask(X, y, rows=100)
    with dask.config.set(SYNC):
        lb.hessian(theta, Xd, yd, l2=1.0)
        lb.newton(Xd, yd, theta0=theta)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(theta, theta_before)


# ---- bad input: the in-memory error, through Dask ----


def error_of(func, *args):
    """(type, message) of the error func raises, or None."""
    try:
        func(*args)
    except (ValueError, TypeError) as error:
        return type(error), str(error)
    return None


@pytest.mark.parametrize("func", [*FUNCTIONS, "newton"], ids=lambda f: getattr(f, "__name__", f))
@pytest.mark.parametrize("bad", ["nan", "inf", "label 2", "labels 2 and -1", "nan label",
                                 "overflow"])
def test_a_bad_chunk_gives_the_in_memory_error(func, bad):
    theta, X, y = problem(m=600, d=3)
    y = y.astype(np.float64)
    if bad in ("nan", "inf"):
        X[450, 1] = np.nan if bad == "nan" else np.inf  # in the fourth chunk only
    elif bad == "label 2":
        y[450] = 2
    elif bad == "labels 2 and -1":  # in two chunks: the count and examples are of all of y
        y[[10, 450, 451, 599]] = [2, -1, 2, 3]
    elif bad == "nan label":
        y[599] = np.nan
    else:  # finite X, but X @ theta is not
        theta = np.array([0.0, 2.0, 2.0])
        X[450:452, 1:], y[450:452] = 1e308, 0  # z = inf: loss and gradient overflow
    Xd, yd = as_dask(X, y, rows=150)
    if func == "newton":
        def call(X, y):
            return lb.newton(X, y)
    else:
        def call(X, y):
            return func(theta, X, y)
    want = error_of(call, X, y)
    with dask.config.set(SYNC):
        got = error_of(call, Xd, yd)
    assert got == want
    assert want is not None or (bad, func) == ("overflow", lb.hessian)  # R = 0 where z = inf
    if bad.startswith("labels"):
        assert "4 other value(s), e.g. [2.0, -1.0, 2.0]" in got[1]


def test_wrong_shapes_give_the_in_memory_errors():
    theta, X, y = problem(m=200, d=3)
    Xd, yd = as_dask(X, y, rows=50)
    cases = [
        (theta, Xd, yd[:150], (theta, X, y[:150])),
        (theta, Xd, yd[:, None], (theta, X, y[:, None])),
        (theta[:2], Xd, yd, (theta[:2], X, y)),
        (theta, Xd[:, 0], yd, (theta, X[:, 0], y)),
        (theta, Xd[:0], yd[:0], (theta, X[:0], y[:0])),
        (theta, Xd.astype(complex), yd, (theta, X.astype(complex), y)),
        (theta, Xd, yd.astype("U1"), (theta, X, y.astype("U1"))),
    ]
    with dask.config.set(SYNC):
        for *args, in_memory in cases:
            assert error_of(lb.loss, *args) == error_of(lb.loss, *in_memory)
        assert error_of(lb.newton, Xd, yd[:150]) == error_of(lb.newton, X, y[:150])


def test_a_column_chunked_X_is_rejected_with_the_fix():
    theta, X, y = problem(m=200, d=4)
    Xd = da.from_array(X, chunks=(50, 2))
    for call in [lambda: lb.loss(theta, Xd, y), lambda: lb.newton(Xd, y)]:
        with pytest.raises(ValueError, match=r"chunked along its columns too \(column chunks "
                           r"\(2, 2\)\).*X\.rechunk\(\{1: -1\}\)"):
            call()
    with dask.config.set(SYNC):  # the fix it names works
        assert lb.loss(theta, Xd.rechunk({1: -1}), y) == pytest.approx(lb.loss(theta, X, y),
                                                                       rel=1e-12)


def test_unknown_chunk_sizes_and_other_dask_collections_are_rejected():
    theta, X, y = problem(m=100, d=3)
    Xd, yd = as_dask(X, y, rows=30)
    unknown = Xd[Xd[:, 1] > -100]  # a boolean index: row counts unknown until computed
    with pytest.raises(ValueError, match=r"unknown chunk sizes.*compute_chunk_sizes\(\)"):
        lb.loss(theta, unknown, yd)
    with pytest.raises(TypeError, match=r"X is a Dask collection of type Delayed\w*, not a Dask "
                       r"array; pass X\.to_dask_array"):
        lb.loss(theta, dask.delayed(X), yd)


@pytest.mark.parametrize("n_chunks", [2, 9, 16, 17, 65])
def test_the_tree_sums_every_chunk(n_chunks):
    """Chunk counts whose reduction tree (FAN_IN = 8 at a time) passes through exactly two
    partial sums (9, 16, 17 -> 2 -> 1; 65 -> 9 -> 2 -> 1), or starts there: nothing is left
    out."""
    theta, X, y = problem(m=10 * n_chunks, d=3)
    Xd, yd = as_dask(X, y, rows=10)
    assert Xd.numblocks[0] == n_chunks
    with dask.config.set(SYNC):
        got = (*lb.loss_and_gradient(theta, Xd, yd, l2=0.1), lb.hessian(theta, Xd, yd, l2=0.1))
    assert_same(got, (*lb.loss_and_gradient(theta, X, y, l2=0.1),
                      lb.hessian(theta, X, y, l2=0.1)), FLOAT64_RTOL)


def test_float64_X_with_a_float32_theta_is_computed_in_float64():
    theta, X, y = problem(m=300, d=3)
    Xd, yd = as_dask(X, y, rows=100)
    with dask.config.set(SYNC):
        got = lb.loss_and_gradient(theta.astype(np.float32), Xd, yd)
    assert_same(got, lb.loss_and_gradient(theta.astype(np.float32), X, y), FLOAT64_RTOL)
    assert got[1].dtype == np.float64


def test_input_errors_say_the_whole_problem():
    """Object and column-chunked Dask arrays, and a masked entry in one chunk: the whole
    message (the masked one as in memory)."""
    theta, X, y = problem(m=100, d=3)
    mask = np.zeros(X.shape, bool)
    mask[57, 1] = True
    masked = da.ma.masked_array(da.from_array(X, chunks=(30, 3)),
                                mask=da.from_array(mask, chunks=(30, 3)))
    cases = [
        (da.from_array(X.astype(object), chunks=(30, 3)), TypeError,
         "X must hold real numbers, got a Dask array of dtype object; convert it first, e.g. "
         "X.astype(float)"),
        (da.from_array(X, chunks=(50, 2)), ValueError,
         "X is chunked along its columns too (column chunks (2, 1)); each chunk must hold whole "
         "rows, for its partial sums X_c.T @ r_c: pass X.rechunk({1: -1})"),
        (masked, ValueError, error_of(lb.loss, theta, np.ma.masked_array(X, mask), y)[1]),
    ]
    with dask.config.set(SYNC):
        for bad, error, message in cases:
            with pytest.raises(error, match=f"^{re.escape(message)}$"):
                lb.loss(theta, bad, da.from_array(y, chunks=30))


# ---- a real cluster of worker processes ----


def child_processes(psutil):
    """This process's children, but multiprocessing's resource tracker: started with the first
    spawned process, it stays (idle) until this process exits, cluster or not."""
    return {p.pid for p in psutil.Process().children(recursive=True)
            if "multiprocessing.resource_tracker" not in " ".join(p.cmdline())}


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two worker processes on 127.0.0.1, stopped cleanly afterwards."""
    distributed = pytest.importorskip("distributed")
    psutil = pytest.importorskip("psutil")
    before = child_processes(psutil)
    with warnings.catch_warnings():
        cluster = distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
            # (None would still serve HTTP on port 8787, warning if another cluster has it)
            dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR,
        )
        client = distributed.Client(cluster)
    workers = child_processes(psutil) - before
    assert len(workers) >= 2  # two worker processes (and their nannies) were started
    yield client
    client.close()
    cluster.close()
    _, alive = psutil.wait_procs([psutil.Process(pid) for pid in workers
                                     if psutil.pid_exists(pid)], timeout=10)
    assert not alive, f"worker processes left running: {alive}"


@pytest.mark.cluster
def test_on_a_local_cluster_of_two_processes(client):
    distributed = pytest.importorskip("distributed")
    theta, X, y = problem(m=5000, d=4)
    # the data live on the workers, as they would with data read there from disk
    Xd, yd = client.persist(list(as_dask(X, y, rows=1000)))
    distributed.wait([Xd, yd])
    assert all(client.has_what().values())  # the chunks are spread over both workers
    got = (*lb.loss_and_gradient(theta, Xd, yd, l2=0.5), lb.hessian(theta, Xd, yd, l2=0.5))
    want = (*lb.loss_and_gradient(theta, X, y, l2=0.5), lb.hessian(theta, X, y, l2=0.5))
    assert_same(got, want, FLOAT64_RTOL)
    fit = lb.newton(Xd, yd)
    np.testing.assert_allclose(fit.theta, lb.newton(X, y).theta, rtol=1e-9, atol=0)


@pytest.mark.cluster
def test_a_bad_chunk_on_the_cluster_gives_the_in_memory_error(client):
    theta, X, y = problem(m=1000, d=3)
    X[777, 2] = np.nan
    Xd, yd = as_dask(X, y, rows=200)
    with pytest.raises(ValueError, match=r"^X contains NaN or infinity$"):
        lb.loss(theta, Xd, yd)
    y = y.astype(int)
    y[5] = 7
    with pytest.raises(ValueError) as info:
        lb.newton(Xd, da.from_array(y, chunks=300))
    assert str(info.value) == "labels must be 0 or 1; y holds 1 other value(s), e.g. [7]"


@pytest.mark.cluster
def test_a_cluster_script_writes_nothing_to_stderr_and_leaves_no_process(tmp_path):
    # What a notebook does: start a cluster, fit through its Client, close it. Its stderr
    # (the workers' too) must stay empty, or it would be stored in the notebook.
    script = tmp_path / "fit.py"
    script.write_text(
        "import logging, psutil, dask.array as da, numpy as np, lossbook as lb\n"
        "from distributed import Client, LocalCluster\n"
        "if __name__ == '__main__':\n"
        "    X, y = lb.make_data(m=2000)\n"
        "    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,\n"
        "                      host='127.0.0.1', dashboard_address='127.0.0.1:0',\n"
        "                      silence_logs=logging.ERROR) as cluster, Client(cluster):\n"
        "        fit = lb.newton(da.from_array(X, chunks=(500, 3)), da.from_array(y, 500))\n"
        "    left = [p for p in psutil.Process().children(recursive=True)\n"
        "            if 'multiprocessing.resource_tracker' not in ' '.join(p.cmdline())]\n"
        "    print(fit.converged, len(left))\n"
    )
    out = subprocess.run([sys.executable, "-W", "error", str(script)], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert out.stdout.split() == ["True", "0"]
