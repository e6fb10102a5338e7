"""lossbook: the logistic-regression loss, derived in the course's notebooks and kept here.

Everything a notebook derives lives in a small module named for what it holds:

- :mod:`lossbook.stable`: sigmoid, softplus, log-sigmoid, sigmoid' (notebooks 01, 04)
- :mod:`lossbook.objective`: the loss J, its gradient and Hessian (notebooks 02, 05, 07)
- :mod:`lossbook.optimize`: gradient descent and Newton's method (notebooks 06, 07)
- :mod:`lossbook.stochastic`: mini-batch stochastic gradient descent, ``sgd`` (notebook 13)
- :mod:`lossbook.data`: the opening example's data and split (notebook 00)
- :mod:`lossbook.regularization`: the L2 penalty as a prior, paths, choosing λ (notebook 08)
- :mod:`lossbook.separation`: does the MLE exist? complete, quasi-complete separation (notebook 08)
- :mod:`lossbook.inference`: accuracy, calibration (notebook 09), standard errors (notebook 10)
- :mod:`lossbook.gradcheck`: finite-difference gradient checking (notebook 05)
- :mod:`lossbook.links`: the probit model (log Φ, stable in the tails) and Poisson
  regression, a non-canonical and a canonical link (notebook 11)
- :mod:`lossbook.multiclass`: softmax regression, K classes (notebook 12); its
  ``loss``/``gradient`` stay in the module (``lossbook.multiclass.loss``), so they never
  shadow the binary ones, and ``softmax``/``log_softmax`` are exported here too
- :mod:`lossbook.exercises`: the exercise checkers (import it explicitly)

``lossbook.plots`` (matplotlib) is not imported here, so ``import lossbook`` stays light.
"""

from . import links, multiclass
from .data import add_intercept, make_data, make_separable_data, train_test_split
from .gradcheck import numerical_gradient, relative_error
from .inference import accuracy, calibration_curve, standard_errors
from .links import (
    log_ndtr,
    norm_cdf,
    poisson_gradient,
    poisson_hessian,
    poisson_loss,
    probit_gradient,
    probit_hessian,
    probit_loss,
)
from .multiclass import log_softmax, softmax
from .objective import (
    gradient,
    hessian,
    loss,
    loss_and_gradient,
    per_sample_loss,
    predict_proba,
    residual,
)
from .optimize import (
    ConvergenceWarning,
    OptimizeResult,
    SeparationWarning,
    gradient_descent,
    newton,
    smoothness_constant,
)
from .separation import SeparationResult, detect_separation
from .stable import log_sigmoid, logit, sigmoid, sigmoid_derivative, softplus
from .stochastic import sgd

__version__ = "0.1.0"

__all__ = [
    "ConvergenceWarning",
    "OptimizeResult",
    "SeparationResult",
    "SeparationWarning",
    "accuracy",
    "add_intercept",
    "calibration_curve",
    "detect_separation",
    "gradient",
    "gradient_descent",
    "hessian",
    "links",
    "log_ndtr",
    "log_sigmoid",
    "log_softmax",
    "logit",
    "loss",
    "loss_and_gradient",
    "make_data",
    "make_separable_data",
    "multiclass",
    "newton",
    "norm_cdf",
    "numerical_gradient",
    "per_sample_loss",
    "poisson_gradient",
    "poisson_hessian",
    "poisson_loss",
    "predict_proba",
    "probit_gradient",
    "probit_hessian",
    "probit_loss",
    "relative_error",
    "residual",
    "sgd",
    "sigmoid",
    "sigmoid_derivative",
    "smoothness_constant",
    "softmax",
    "softplus",
    "standard_errors",
    "train_test_split",
]
