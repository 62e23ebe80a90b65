"""bp.datasets: deterministic, with the promised shapes and labels."""

import numpy as np
import pytest

import backprop as bp

D = bp.datasets
CLASSIFICATION = [D.moons, D.circles, D.xor, D.spirals, D.blobs]
ALL = CLASSIFICATION + [D.regression_curve, D.gaussian_features]


@pytest.mark.parametrize("make", ALL, ids=lambda f: f.__name__)
def test_same_seed_same_arrays_different_seed_different(make):
    X1, y1 = make(m=41, seed=3)
    X2, y2 = make(m=41, seed=3)
    X3, y3 = make(m=41, seed=4)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not (np.array_equal(X1, X3) and np.array_equal(y1, y3))  # regression_curve: same grid X


@pytest.mark.parametrize("make", CLASSIFICATION, ids=lambda f: f.__name__)
@pytest.mark.parametrize("m", [1, 2, 41, 200])
def test_classification_shapes_and_labels(make, m):
    X, y = make(m=m, seed=0)
    assert X.shape == (m, 2) and y.shape == (m,)
    assert X.dtype == np.float64 and np.isfinite(X).all()
    assert set(np.unique(y)) <= {0.0, 1.0}
    if m >= 4:
        assert abs(np.sum(y == 1) - np.sum(y == 0)) <= 1  # balanced classes


def test_classification_sets_train_a_network():
    """The labels follow the promised geometry: a model can fit them."""
    X, y = D.blobs(m=100, separation=6.0, noise=0.5, seed=0)
    assert np.mean((X.sum(axis=1) > 0) == y) >= 0.99  # separable along (1, 1)
    X, y = D.circles(m=100, noise=0.02, seed=0)
    r = np.linalg.norm(X, axis=1)
    assert np.mean((r < 0.75) == y) >= 0.99  # label 1 inside
    X, y = D.xor(m=100, noise=0.05, seed=0)
    assert np.array_equal((X[:, 0] * X[:, 1] < 0).astype(float), y)


def test_regression_curve():
    X, y = D.regression_curve(m=50, noise=0.0, seed=0)
    assert X.shape == (50, 1) and y.shape == (50,)
    assert X[0, 0] == -1.0 and X[-1, 0] == 1.0
    np.testing.assert_allclose(y, np.sin(3 * X[:, 0]), rtol=0, atol=1e-15)
    X, y = D.regression_curve(m=20, noise=0.0, f=np.square, x_range=(0.0, 2.0))
    np.testing.assert_allclose(y, X[:, 0] ** 2, rtol=0, atol=1e-15)


def test_gaussian_features():
    X, y = D.gaussian_features(m=500, n_features=7, seed=1)
    assert X.shape == (500, 7) and y.shape == (500,)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert abs(X.mean()) < 0.1 and abs(X.std() - 1) < 0.1


@pytest.mark.parametrize("make", ALL, ids=lambda f: f.__name__)
def test_bad_m(make):
    with pytest.raises(ValueError, match="m must be at least 1"):
        make(m=0)
    with pytest.raises(TypeError, match="m must be an integer"):
        make(m=10.5)


@pytest.mark.parametrize("make", CLASSIFICATION + [D.regression_curve], ids=lambda f: f.__name__)
@pytest.mark.parametrize("noise", [-0.1, np.nan])
def test_bad_noise(make, noise):
    with pytest.raises(ValueError, match="noise must be a non-negative number"):
        make(m=10, noise=noise)


def test_bad_circle_factor():
    with pytest.raises(ValueError, match=r"factor .* must be in \(0, 1\)"):
        D.circles(factor=1.5)


# ------------------------------------------------------------ function_boundary
def test_function_boundary_labels_the_points_above_the_curve():
    X, y = D.function_boundary(np.sin, m=300, seed=2)
    assert X.shape == (300, 2) and y.shape == (300,) and X.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0}
    assert ((-1 <= X) & (X <= 1)).all()
    above = np.array([x2 > np.sin(x1) for x1, x2 in X])  # point by point, without NumPy's vectors
    assert np.array_equal(y == 1, above)
    X2, y2 = D.function_boundary(np.sin, m=300, seed=2)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = D.function_boundary(np.sin, m=300, seed=3)
    assert not np.array_equal(X, X3)


def test_function_boundary_box_constant_and_noise():
    X, y = D.function_boundary(lambda x: 0.5, m=200, x_range=(0, 4), y_range=(-1, 1), seed=0)
    assert X[:, 0].min() >= 0 and X[:, 0].max() <= 4 and X[:, 1].min() >= -1
    assert np.array_equal(y == 1, X[:, 1] > 0.5)
    Xn, yn = D.function_boundary(np.square, m=2000, noise=0.2, seed=0)
    wrong = yn != (Xn[:, 1] > Xn[:, 0] ** 2)
    assert 0.02 < wrong.mean() < 0.3  # some labels mix near the curve ...
    far = np.abs(Xn[:, 1] - Xn[:, 0] ** 2) > 1.0  # ... none five standard deviations away
    assert not wrong[far].any()


@pytest.mark.parametrize("f, message", [
    (3.0, "f must be a function"),
    (lambda x: x[:3], r"f must return one value per x \(shape \(50,\)"),
    (lambda x: np.log(x), "f\\(x\\) is not finite"),
    (lambda x: x.nope, "f\\(x\\) failed"),
    (lambda x: x + 5, "every point lies below the curve"),
])
def test_function_boundary_clear_errors(f, message):
    with pytest.raises((ValueError, TypeError), match=message):
        D.function_boundary(f, m=50, seed=0)


def test_function_boundary_bad_ranges():
    with pytest.raises(ValueError, match="x_range must be a pair"):
        D.function_boundary(np.sin, x_range=(1, 0))
    with pytest.raises(ValueError, match="y_range must be a pair"):
        D.function_boundary(np.sin, y_range="ab")
