"""The stable elementwise functions against a 50-digit reference (mpmath), tails included."""

import mpmath
import numpy as np
import pytest

import lossbook as lb

mpmath.mp.dps = 50

# Logits across every regime: the tails where naive forms overflow, underflow or cancel.
Z = np.array(
    [-1e4, -745.5, -745.0, -709.0, -700.0, -100.0, -40.0, -37.0, -36.0, -20.0, -1.0, -1e-8,
     -1e-300, 0.0, 1e-300, 1e-8, 0.5, 1.0, 2.0, 20.0, 36.0, 37.0, 40.0, 100.0, 700.0, 709.0,
     745.0, 1e4]
)


# Underflow to 0 or to a subnormal is the correct rounding in the far tails; the other
# floating-point events would mean a naive formula.
RAISE = {"over": "raise", "invalid": "raise", "divide": "raise"}


def ulps(computed, exact):
    """Error of computed in units of the last place of the exact value (in computed's dtype).

    The ratio is formed in high precision: an error between subnormal numbers would
    underflow to 0 if it were rounded to a float first.
    """
    computed = np.asarray(computed)
    exact_f = np.asarray([float(e) for e in exact], dtype=computed.dtype)
    tiny = np.finfo(computed.dtype).smallest_subnormal
    spacing = np.maximum(np.spacing(np.abs(exact_f)), tiny)
    return np.array([
        float(abs(mpmath.mpf(float(c)) - e) / mpmath.mpf(float(u)))
        for c, e, u in zip(computed, exact, spacing, strict=True)
    ])


def ref_sigmoid(z):
    return 1 / (1 + mpmath.exp(-mpmath.mpf(float(z))))


def ref_softplus(z):
    return mpmath.log1p(mpmath.exp(mpmath.mpf(float(z))))


REFERENCES = {
    "sigmoid": (lb.sigmoid, ref_sigmoid),
    "softplus": (lb.softplus, ref_softplus),
    "log_sigmoid": (lb.log_sigmoid, lambda z: -ref_softplus(-z)),
    "sigmoid_derivative": (lb.sigmoid_derivative, lambda z: ref_sigmoid(z) * ref_sigmoid(-z)),
}


@pytest.mark.parametrize("name", REFERENCES)
def test_accurate_to_a_few_ulp_everywhere(name):
    fn, ref = REFERENCES[name]
    with np.errstate(**RAISE):
        out = fn(Z)
    assert np.all(ulps(out, [ref(z) for z in Z]) <= 4)


@pytest.mark.parametrize("name", REFERENCES)
def test_float32_stays_float32_and_accurate(name):
    fn, ref = REFERENCES[name]
    z = np.array([-200.0, -90.0, -17.0, -1.0, 0.0, 1.0, 17.0, 90.0, 200.0], dtype=np.float32)
    with np.errstate(**RAISE):
        out = fn(z)
    assert out.dtype == np.float32
    assert np.all(ulps(out, [ref(v) for v in z]) <= 4)


def test_scalars_in_scalars_out():
    assert isinstance(lb.sigmoid(0.0), np.floating)
    assert lb.softplus(3) == pytest.approx(np.log1p(np.exp(3)))


def test_identities():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(lb.sigmoid(-z), 1 - lb.sigmoid(z), atol=1e-16)
    np.testing.assert_allclose(lb.log_sigmoid(z), np.log(lb.sigmoid(z)), atol=1e-15)
    np.testing.assert_allclose(lb.softplus(z) - lb.softplus(-z), z, atol=1e-13)


@pytest.mark.parametrize("fn", [lb.sigmoid, lb.softplus, lb.log_sigmoid, lb.sigmoid_derivative])
def test_rejects_non_numeric(fn):
    with pytest.raises(TypeError, match="real numbers"):
        fn(np.array(["a"]))


def test_input_not_modified():
    z = np.array([-800.0, 0.0, 800.0])
    before = z.copy()
    for fn in (lb.sigmoid, lb.softplus, lb.log_sigmoid, lb.sigmoid_derivative):
        fn(z)
    np.testing.assert_array_equal(z, before)


class TestPerSample:
    """The per-sample loss and residual: what the gradient and J are built from."""

    @pytest.mark.parametrize("y", [0, 1])
    def test_loss_and_residual_accurate(self, y):
        labels = np.full(Z.shape, y)
        with np.errstate(**RAISE):
            losses = lb.per_sample_loss(Z, labels)
            res = lb.residual(Z, labels)
        s = 1 - 2 * y
        exact_loss = [ref_softplus(s * z) for z in Z]
        with mpmath.workdps(5000):  # enough digits that 1 - sigma(z) does not cancel at z = 1e4
            exact_res = [+(ref_sigmoid(z) - y) for z in Z]
        assert np.all(ulps(losses, exact_loss) <= 4)
        assert np.all(ulps(res, exact_res) <= 4)

    def test_scikit_learn_failure_case(self):
        # y = 1, z = 37: the loss is 8.5e-17, not 0 (scikit-learn's loss-only path gives 0).
        assert lb.per_sample_loss(np.array([37.0]), np.array([1]))[0] == pytest.approx(
            8.533047625744066e-17, rel=1e-15
        )

    def test_bool_labels_and_scalars(self):
        np.testing.assert_allclose(
            lb.per_sample_loss(np.array([2.0, -2.0]), np.array([True, False])),
            lb.softplus(np.array([-2.0, -2.0])),
        )
        assert float(lb.residual(0.0, 1)) == -0.5

    def test_rejects_bad_labels(self):
        with pytest.raises(ValueError, match="labels must be 0 or 1"):
            lb.per_sample_loss(np.array([0.0, 1.0]), np.array([0, 2]))
        with pytest.raises(ValueError, match="single label"):
            lb.residual(0.0, 0.5)
