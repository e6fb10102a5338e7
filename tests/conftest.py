"""Shared fixtures: small, seeded problems."""

import json
import os

import numpy as np
import pytest
from hypothesis import Phase, settings

import lossbook as lb

# `make mutation` runs the property tests once per mutant: `--hypothesis-profile=mutation`
# (pyproject.toml, [tool.mutmut]) makes each run the same examples (derandomised, no example
# database), so a mutant's verdict does not depend on the run, and skips shrinking, which only
# makes a failure's report shorter. `make test` keeps hypothesis's defaults.
settings.register_profile(
    "mutation", derandomize=True, database=None,
    phases=(Phase.explicit, Phase.generate), deadline=None,
)


@pytest.fixture
def opening():
    """The opening example's training data."""
    X, y = lb.make_data()
    X_train, _, y_train, _ = lb.train_test_split(X, y)
    return X_train, y_train


@pytest.fixture
def random_problem():
    rng = np.random.default_rng(7)
    X = lb.add_intercept(rng.standard_normal((50, 3)))
    theta = rng.standard_normal(4)
    y = rng.random(50) < 0.5
    return theta, X, y


def pytest_collection_modifyitems(items):
    """Under mutmut, run the fastest tests first: a mutant's run stops at its first failure.

    mutmut passes a mutant's tests in no particular order; its stats run recorded each test's
    duration (mutmut-stats.json, in the working directory mutmut runs the tests from). The
    verdict is the same in any order; only the time to reach it changes.
    """
    if "MUTANT_UNDER_TEST" not in os.environ or not os.path.exists("mutmut-stats.json"):
        return
    with open("mutmut-stats.json") as f:
        duration = json.load(f).get("duration_by_test", {})
    items.sort(key=lambda item: duration.get(item.nodeid, 0.0))
