"""The batteries of cases every checker runs: seeded data, extreme logits, awkward shapes."""

import functools
from dataclasses import dataclass

import numpy as np

from ..data import add_intercept, make_data, train_test_split
from ..optimize import newton
from ..stable import sigmoid


@dataclass(frozen=True)
class _Case:
    """One input of a battery: a name for messages, the arguments, whether it is a stress case."""

    name: str
    args: tuple
    stable: bool = False  # an extreme-logit case, skipped with stable=False

    @property
    def m(self):
        return self.args[1].shape[0] if len(self.args) > 1 else self.args[0].size

    @property
    def d(self):
        return self.args[1].shape[1] if len(self.args) > 1 else 1

    def logits(self):
        theta, X = self.args[0], self.args[1]
        return X @ theta


def _labelled(theta, X, dtype=int):
    """Labels drawn from the model itself (seeded), so the data are never separable."""
    rng = np.random.default_rng(7)
    y = rng.random(X.shape[0]) < sigmoid(X @ theta)
    y[0], y[-1] = True, False  # both classes present whenever m > 1
    return y.astype(dtype)


def _design(rng, m, d):
    return add_intercept(rng.normal(size=(m, d - 1)))


@functools.lru_cache(maxsize=1)
def _opening_mle():
    """The opening example's training data and its maximum-likelihood estimate (read-only)."""
    X, y = make_data()
    X_train, _, y_train, _ = train_test_split(X, y)
    theta = newton(X_train, y_train).theta
    for a in (theta, X_train, y_train):
        a.flags.writeable = False
    return theta, X_train, y_train


def _base_cases(with_theta0=True):
    """Moderate (theta, X, y) cases: random and opening data, awkward shapes, all label types."""
    rng = np.random.default_rng(2024)
    X20 = _design(rng, 20, 3)
    theta20 = np.array([0.3, -1.2, 0.8])
    X_open, y_open = make_data()
    X1 = np.array([[1.0, 0.7, -1.3]])
    X6 = np.ones((6, 1))
    X3 = np.array([[1.0, 0.5, -1.0], [1.0, -1.5, 0.3], [1.0, 2.0, 1.1]])
    X8 = _design(rng, 8, 4)
    theta8 = np.array([-0.4, 0.9, -0.6, 1.1])
    cases = [
        _Case("random data (m = 20, d = 3, int labels)", (theta20, X20, _labelled(theta20, X20))),
        _Case(
            "the opening example's data (lb.make_data(): m = 100, d = 3, bool labels) "
            "at theta = (0.5, 1, 1.5)",
            (np.array([0.5, 1.0, 1.5]), X_open, y_open),
        ),
        _Case(
            "theta = 0 (every prediction is 0.5, J = log 2; m = 5, d = 2)",
            (np.zeros(2), X20[:5, :2].copy(), np.array([1, 0, 0, 1, 1])),
        ),
        _Case("a single sample (m = 1, d = 3)", (np.array([0.2, -0.5, 0.4]), X1, np.array([1]))),
        _Case(
            "an intercept-only model (d = 1, m = 6)",
            (np.array([0.7]), X6, np.array([1, 0, 1, 1, 0, 1])),
        ),
        _Case(
            "a square design (m = d = 3)",
            (np.array([0.1, 0.6, -0.9]), X3, np.array([0, 1, 1])),
        ),
        _Case("float labels 0.0 / 1.0 (m = 8, d = 4)", (theta8, X8, _labelled(theta8, X8, float))),
    ]
    return cases if with_theta0 else [c for c in cases if np.any(c.args[0])]


def _confident_case(stable):
    """z = 40 for a sample with y = 1: the naive loss's log(0), still fine for the gradient."""
    X40 = np.array([[1.0, 39.0], [1.0, -41.0], [1.0, 2.0], [1.0, -2.0]])
    return _Case(
        "a confident logit: z = 40 for a sample with y = 1 (and z = -40 with y = 0)",
        (np.array([1.0, 1.0]), X40, np.array([1, 0, 1, 0])),
        stable=stable,
    )


def _extreme_cases():
    """The stress cases: the opening example's MLE (logits up to 126) and z = +-800."""
    theta_mle, X_train, y_train = _opening_mle()
    X800 = np.array(
        [[1.0, 799.0], [1.0, -801.0], [1.0, 799.0], [1.0, -801.0], [1.0, 0.5], [1.0, -2.0]]
    )
    return [
        _Case(
            "the opening example's training data (80 samples, bool labels) at its "
            "maximum-likelihood estimate",
            (theta_mle, X_train, y_train),
            stable=True,
        ),
        _Case(
            "extreme logits z = +-800, confidently right (y = 1, 0) and confidently wrong "
            "(y = 0, 1), plus two moderate ones",
            (np.array([1.0, 1.0]), X800, np.array([1, 0, 0, 1, 1, 0])),
            stable=True,
        ),
    ]


def _theta_cases():
    """The full (theta, X, y) battery of the loss and its derivatives (3 stress cases)."""
    return [*_base_cases(), _confident_case(stable=True), *_extreme_cases()]


def _moderate_cases(with_theta0=True):
    """The (theta, X, y) battery with logits up to +-40, no stress case."""
    return [*_base_cases(with_theta0), _confident_case(stable=False)]


def _z_cases(tails=True):
    """The z battery shared by the elementwise checkers."""
    rng = np.random.default_rng(2024)
    cases = [
        _Case("random logits (50 values, |z| < 12)", (np.clip(rng.normal(0, 4, 50), -12, 12),)),
        _Case("a 2-D array (shape (3, 4))", (np.linspace(-6, 6, 12).reshape(3, 4),)),
        _Case("integer logits (np.arange(-5, 6), dtype int)", (np.arange(-5, 6),)),
        _Case("a single logit (shape (1,))", (np.array([0.0]),)),
        _Case("logits up to +-30 (np.linspace(-30, 30, 13))", (np.linspace(-30, 30, 13),)),
    ]
    if tails:
        cases.insert(4, _Case("extreme logits z = -800, 800", (np.array([-800.0, 800.0]),),
                              stable=True))
        cases.append(
            _Case("confident logits z = -40, 40 (tiny results must keep their digits)",
                  (np.array([-40.0, 40.0]),))
        )
    return cases
