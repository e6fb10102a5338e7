r"""Exercise checkers: run a learner's function through a battery of cases, explain what is wrong.

Each ``check_*`` takes the learner's function, with the same signature as the ``lossbook``
function it mirrors, and runs it on a fixed battery of cases: seeded random data, the opening
example's data (:func:`lossbook.make_data`), confident and extreme logits, bool, int and float
labels, and awkward shapes (a single sample m = 1, an intercept-only model d = 1, a square
X with m = d). On success it prints one line, e.g. ``check_loss: all 10 cases passed.``; on
the first failing case it raises ``AssertionError`` whose message names the case (and shows
its inputs when they are small), what went wrong (expected and got, or the warning), and
the likely mistake. A function that raises ``NotImplementedError`` on the first case (the
stub a student edition leaves, see ``make student``) is not a failure: the checker prints
``check_loss: not attempted yet (my_loss raises NotImplementedError)`` and returns, so the
notebook still runs top to bottom; under nbgrader (``NBGRADER_EXECUTION`` set) it raises
instead, so an exercise left undone earns no points. Learners write
``from lossbook.exercises import check_loss``; ``import lossbook`` does not import this module.

>>> import lossbook as lb
>>> from lossbook.exercises import check_loss
>>> check_loss(lb.loss)
check_loss: all 10 cases passed.
>>> def my_loss(theta, X, y):
...     raise NotImplementedError("your code here")
>>> check_loss(my_loss)
check_loss: not attempted yet (my_loss raises NotImplementedError)

How the mistake is named: for the failing case the checker computes what the usual wrong
variants would return (a missing 1/m, a flipped sign, y and 1 - y swapped, the transpose,
an (m, 1) column broadcast into an m x m matrix, Hessian weights missing, a penalised
intercept, ...) and says which one the learner's result matches.

Layout: ``_cases`` builds the batteries, ``_engine`` runs a learner's function on them and
matches a wrong result to a known mistake, ``elementwise`` and ``objective`` hold the
checkers (the functions of z or p, and the functions of theta, X, y), ``multiclass`` those
of softmax regression (log-softmax, the loss and gradient of Theta, X, y; notebook 12),
``stochastic`` the mini-batch gradient of theta, X, y, batch (notebook 13).

Policy
------
- References are lossbook's own functions (accurate to a few ulp). Results are compared with
  ``np.allclose``: rtol 1e-6 (plus a small absolute tolerance) for the loss and its
  derivatives, so that a naive-but-correct formula passes on moderate logits; rtol 1e-9 and
  no absolute tolerance for the elementwise functions, whose exercises are about accuracy.
- Every case runs with numpy's floating-point warnings switched on and recorded. A
  ``RuntimeWarning`` (overflow, divide by zero, invalid value) fails the case even when the
  values are right, and the message quotes the warning.
- Extreme logits are stressed where the exercise is about stability, or where the course
  shows the naive formula breaking:

  * ``check_softplus`` and ``check_log_sigmoid``: z = +-800 must be finite without warnings,
    and tiny results at |z| = 30 and 40 must keep their relative accuracy (softplus(-40) =
    4.2e-18, not 0): ``np.log(1 + x)`` fails there, ``np.log1p(x)`` passes.
  * ``check_sigmoid``: ``1 / (1 + np.exp(-z))`` passes every case with |z| <= 40, but at
    z = -800 ``np.exp(800)`` overflows (with a warning) and the case fails with a hint;
    ``1 - 1 / (1 + np.exp(z))`` and the tanh form fail at z = -30 (cancellation).
  * ``check_loss`` (and ``check_regularized_loss``): a logit of 40 for a sample with y = 1,
    the opening example's data at its maximum-likelihood estimate, and z = +-800. The
    opening example's loss returns nan there (log(0)), and the hint names the logit.
  * ``check_gradient`` and ``check_hessian``: the same three cases; the naive sigmoid is
    accurate enough at z = 40 and at the estimate (logits up to 126), but at z = -800
    ``np.exp(800)`` overflows.

  Those stress cases are the ones flagged "stable"; ``check_sigmoid``, ``check_loss``,
  ``check_gradient``, ``check_hessian`` and ``check_regularized_loss`` accept
  ``stable=False`` to skip them, for an exercise set before notebook 04 (computing the loss
  safely). The steps and ``check_accuracy`` use logits up to +-40 only.
- ``check_accuracy`` predicts 1 where z >= 0 (sigma(z) >= 0.5); its cases contain no logit
  within 1e-6 of 0, so ``>`` and ``>=``, z and sigma(z), all pass.
- The learner's function must not modify its inputs: each call gets copies, which are
  compared with the originals afterwards.
"""

from .elementwise import check_log_sigmoid, check_logit, check_sigmoid, check_softplus
from .multiclass import check_log_softmax, check_softmax_gradient, check_softmax_loss
from .objective import (
    check_accuracy,
    check_gradient,
    check_gradient_step,
    check_hessian,
    check_loss,
    check_newton_step,
    check_regularized_loss,
)
from .stochastic import check_minibatch_gradient

__all__ = [
    "check_accuracy",
    "check_gradient",
    "check_gradient_step",
    "check_hessian",
    "check_log_sigmoid",
    "check_log_softmax",
    "check_logit",
    "check_loss",
    "check_minibatch_gradient",
    "check_newton_step",
    "check_regularized_loss",
    "check_sigmoid",
    "check_softmax_gradient",
    "check_softmax_loss",
    "check_softplus",
]
