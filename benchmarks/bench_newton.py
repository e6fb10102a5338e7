"""Time lossbook.newton against scikit-learn's Newton-Cholesky solver, fit for fit.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_newton.py``). Single BLAS thread,
float64, m = 200,000 samples, 20 features plus an intercept, on two problems:

- well conditioned: independent standard-normal features;
- badly conditioned: features sharing a common factor (pairwise correlation 0.99), scaled
  from 10**-1.25 to 10**1.25, so that cond(X^T X) is about 10**7.

The contestants, both from zeros, to the same tolerance 1e-8 on the same mean loss J:

- ``lb.newton(X, y, tol=1e-8)`` on X with its intercept column of ones; it stops when
  the Euclidean norm of the gradient ``|grad J|_2 < 1e-8``;
- ``LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-8).fit(F, y)`` on the
  features F alone (``fit_intercept=True``); scikit-learn's ``NewtonSolver`` stops when
  ``max_i |grad J|_i <= 1e-8`` *and* half the squared Newton decrement of the last step,
  ``p^T H p / 2``, is ``<= 1e-8`` (``sklearn/linear_model/_glm/_newton_solver.py``). Its
  gradient test is the weaker (the max-norm is at most the 2-norm); the decrement test
  costs nothing extra. Both minimise ``J = mean log-loss`` (scikit-learn's
  ``LinearModelLoss`` divides by m too), so their gradients are directly comparable.

Also timed: scikit-learn's solver core (``NewtonCholeskySolver.solve``, without
``fit``'s input validation), for a like-for-like view of the algorithm. The machine is
shared and noisy, so the candidates run in interleaved rounds (order alternating) and the
script prints the median of the per-round ratios. Before timing it checks that all reach
the same coefficients (to 1e-6, relative) and reports |grad J|_2 of each, evaluated by the
same function. Finally it fits L-BFGS (``solver="lbfgs"``, ``max_iter=1000``) once per
problem: it converges on the first, and fails to on the second, which is why Newton's
method (notebook 07) is worth its Hessian.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model._glm._newton_solver import NewtonCholeskySolver
from sklearn.linear_model._linear_loss import LinearModelLoss
from threadpoolctl import threadpool_limits

import lossbook as lb

TOL = 1e-8


def make_problem(kind, m, n, seed=0):
    """Features F (m, n) and labels drawn from a logistic model with an intercept of 0.3."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((m, n))
    if kind == "well conditioned":
        F, scales = Z, np.ones(n)
    else:
        rho, scales = 0.99, np.logspace(-1.25, 1.25, n)
        F = (np.sqrt(rho) * rng.standard_normal((m, 1)) + np.sqrt(1 - rho) * Z) * scales
    beta = rng.standard_normal(n) / np.sqrt(n) / scales  # logits of standard deviation ~1
    y = (rng.random(m) < lb.sigmoid(0.3 + F @ beta)).astype(np.float64)
    return F, y


def sklearn_theta(intercept, coef):
    """scikit-learn's (coef, intercept) in lossbook's order: intercept first."""
    return np.r_[np.ravel(intercept), np.ravel(coef)]


def fit_lossbook(X, y):
    return lb.newton(X, y, tol=TOL, max_iter=100)


def fit_sklearn(F, y):
    return LogisticRegression(C=np.inf, solver="newton-cholesky", tol=TOL, max_iter=100).fit(F, y)


def fit_sklearn_core(F, y):
    solver = NewtonCholeskySolver(
        coef=np.zeros(F.shape[1] + 1),
        linear_loss=LinearModelLoss(HalfBinomialLoss(), fit_intercept=True),
        l2_reg_strength=0.0, tol=TOL, max_iter=100, n_threads=1,
    )
    coef = solver.solve(F, y, None)
    return solver, sklearn_theta(coef[-1], coef[:-1])


def _time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def check_same_solution(X, F, y):
    """Fit once with each; assert the same coefficients; print steps and |grad J|_2."""
    ours = fit_lossbook(X, y)
    sk = fit_sklearn(F, y)
    core, theta_core = fit_sklearn_core(F, y)
    theta_sk = sklearn_theta(sk.intercept_, sk.coef_)
    assert ours.converged and core.converged
    scale = np.max(np.abs(ours.theta))
    for theta in (theta_sk, theta_core):
        np.testing.assert_allclose(theta, ours.theta, rtol=1e-6, atol=1e-6 * scale)
    rel = np.max(np.abs(theta_sk - ours.theta)) / scale
    g_ours = np.linalg.norm(lb.gradient(ours.theta, X, y))
    g_sk = np.linalg.norm(lb.gradient(theta_sk, X, y))
    print(f"  lossbook.newton      : {ours.n_iter} Newton steps, |grad J|_2 = {g_ours:.1e}"
          f"  (stops on |grad J|_2 < {TOL:g})")
    print(f"  sklearn newton-chol. : {sk.n_iter_[0]} Newton steps, |grad J|_2 = {g_sk:.1e}"
          f"  (stops on max|grad J| <= {TOL:g} and decrement/2 <= {TOL:g})")
    print(f"  same coefficients    : max |difference| / max |theta| = {rel:.1e}")
    return ours.theta


def report_lbfgs(F, y, X, theta_newton):
    """One L-BFGS fit to the same tolerance; print how it ends."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SklearnConvergenceWarning)
        start = time.perf_counter()
        model = LogisticRegression(C=np.inf, solver="lbfgs", tol=TOL, max_iter=1000).fit(F, y)
        seconds = time.perf_counter() - start
    theta = sklearn_theta(model.intercept_, model.coef_)
    g = np.linalg.norm(lb.gradient(theta, X, y))
    err = np.max(np.abs(theta - theta_newton)) / np.max(np.abs(theta_newton))
    convergence = [w for w in caught if issubclass(w.category, SklearnConvergenceWarning)]
    if convergence:
        first_line = str(convergence[0].message).strip().splitlines()[0]
        status = f"ConvergenceWarning ({first_line})"
    else:
        status = "converged"
    print(f"  sklearn lbfgs        : {status}")
    print(f"                         n_iter = {model.n_iter_[0]} (max_iter=1000), "
          f"|grad J|_2 = {g:.1e}, coefficient error {err:.1e}, {seconds:.1f} s")


def bench(kind, m, n, rounds):
    F, y = make_problem(kind, m, n)
    X = lb.add_intercept(F)
    cond = np.linalg.cond(X.T @ X)
    print(f"{kind}: m = {m:,}, d = {n} features + intercept, cond(X^T X) = {cond:.1e}")
    theta_newton = check_same_solution(X, F, y)

    candidates = {
        "lossbook": lambda: fit_lossbook(X, y),
        "sklearn": lambda: fit_sklearn(F, y),
        "core": lambda: fit_sklearn_core(F, y),
    }
    times = {name: [] for name in candidates}
    for r in range(rounds):
        order = list(candidates) if r % 2 == 0 else list(reversed(candidates))
        for name in order:
            times[name].append(_time(candidates[name]))
    t = {k: np.array(v) for k, v in times.items()}
    print(f"  {rounds} interleaved rounds, median of per-round ratios:")
    print(f"  lossbook.newton / sklearn LogisticRegression.fit : "
          f"{np.median(t['lossbook'] / t['sklearn']):.2f}x"
          f"  (lossbook median {np.median(t['lossbook']) * 1e3:.0f} ms)")
    print(f"  lossbook.newton / sklearn NewtonCholeskySolver   : "
          f"{np.median(t['lossbook'] / t['core']):.2f}x")
    report_lbfgs(F, y, X, theta_newton)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="m = 20,000, for a smoke run")
    args = parser.parse_args()
    m = 20_000 if args.quick else 200_000
    with threadpool_limits(limits=1):
        for kind in ("well conditioned", "badly conditioned"):
            bench(kind, m, 20, args.rounds)


if __name__ == "__main__":
    main()
