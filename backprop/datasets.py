"""Small synthetic data sets, generated deterministically from a seed.

Every generator returns ``(X, y)`` in the API's shapes: ``X`` of shape
(m, n_features), one example per row, and ``y`` of shape (m,), with labels
in {0, 1} for the classification sets (0..K-1 for ``spirals`` and ``blobs``
with ``classes=K``).  Nothing is downloaded.
"""

from __future__ import annotations

import numpy as np

from .validation import check_positive_int

__all__ = [
    "moons", "circles", "xor", "spirals", "blobs", "regression_curve", "gaussian_features",
    "function_boundary",
]


def _split(m):
    m = check_positive_int(m, "m")
    return m // 2, m - m // 2


def _counts(m, classes):
    """m split into ``classes`` near-equal parts, the larger ones last (for two: _split)."""
    m = check_positive_int(m, "m")
    K = check_positive_int(classes, "classes")
    if K < 2:
        raise ValueError(f"classes must be at least 2, got {K}")
    return [m // K + (1 if k >= K - m % K else 0) for k in range(K)]


def _noise(value):
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"noise must be a non-negative number, got {value}")
    return float(value)


def moons(m=200, noise=0.2, seed=0):
    """Two interleaving half circles ("two moons"), as in scikit-learn's make_moons."""
    noise = _noise(noise)
    rng = np.random.default_rng(seed)
    m0, m1 = _split(m)
    t0 = np.linspace(0, np.pi, m0)
    t1 = np.linspace(0, np.pi, m1)
    X = np.vstack([
        np.column_stack([np.cos(t0), np.sin(t0)]),
        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
    ])
    X += rng.normal(0.0, noise, size=X.shape)
    y = np.concatenate([np.zeros(m0), np.ones(m1)])
    return X, y


def circles(m=200, noise=0.1, factor=0.5, seed=0):
    """A small circle (label 1) inside a large one (label 0)."""
    noise = _noise(noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor}")
    rng = np.random.default_rng(seed)
    m0, m1 = _split(m)
    t0 = np.linspace(0, 2 * np.pi, m0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, m1, endpoint=False)
    X = np.vstack([
        np.column_stack([np.cos(t0), np.sin(t0)]),
        factor * np.column_stack([np.cos(t1), np.sin(t1)]),
    ])
    X += rng.normal(0.0, noise, size=X.shape)
    y = np.concatenate([np.zeros(m0), np.ones(m1)])
    return X, y


def xor(m=200, noise=0.1, seed=0):
    """Four clusters at (+-1, +-1); label 1 where the signs of the coordinates differ."""
    noise = _noise(noise)
    m = check_positive_int(m, "m")
    rng = np.random.default_rng(seed)
    corners = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=float)
    labels = np.array([0, 0, 1, 1], dtype=float)
    k = np.arange(m) % 4
    X = corners[k] + rng.normal(0.0, noise, size=(m, 2))
    return X, labels[k]


def spirals(m=200, noise=0.1, turns=1.5, seed=0, classes=2):
    """``classes`` interleaved spirals, one per class, the k-th turned by 2 pi k / classes.

    Labels 0..classes-1 (floats, as the other sets), the last classes one
    example larger when m is not a multiple of ``classes``.
    """
    noise = _noise(noise)
    counts = _counts(m, classes)
    rng = np.random.default_rng(seed)
    K = len(counts)
    parts = []
    for k, count in enumerate(counts):
        r = np.linspace(0.1, 1.0, count)
        t = 2 * np.pi * turns * r + 2 * np.pi * k / K  # phases 0 and pi for two classes
        parts.append(np.column_stack([r * np.cos(t), r * np.sin(t)]))
    X = np.vstack(parts) + rng.normal(0.0, noise, size=(sum(counts), 2))
    y = np.concatenate([np.full(count, float(k)) for k, count in enumerate(counts)])
    return X, y


def blobs(m=100, separation=3.0, noise=1.0, seed=0, classes=2):
    """Gaussian blobs, one per class, with neighbouring centres ``separation`` apart.

    Two classes: centred at -+(separation/2)(1, 1), linearly separable for
    noise << separation.  More: centres evenly spaced on a circle (radius
    separation / (2 sin(pi / classes))).  Labels 0..classes-1.
    """
    noise = _noise(noise)
    counts = _counts(m, classes)
    rng = np.random.default_rng(seed)
    K = len(counts)
    if K == 2:
        c = separation / 2
        centres = [-c, c]
    else:
        R = separation / (2 * np.sin(np.pi / K))
        centres = [R * np.array([np.cos(2 * np.pi * k / K), np.sin(2 * np.pi * k / K)])
                   for k in range(K)]
    X = np.vstack([rng.normal(centre, noise, size=(count, 2))
                   for centre, count in zip(centres, counts)])
    y = np.concatenate([np.full(count, float(k)) for k, count in enumerate(counts)])
    return X, y


def regression_curve(m=100, noise=0.1, seed=0, f=None, x_range=(-1.0, 1.0)):
    """A noisy 1-D curve: x evenly spaced in x_range, y = f(x) + noise (default f = sin(3x)).

    Returns X of shape (m, 1) and y of shape (m,).
    """
    noise = _noise(noise)
    m = check_positive_int(m, "m")
    rng = np.random.default_rng(seed)
    x = np.linspace(*x_range, m)
    f = f or (lambda t: np.sin(3 * t))
    y = f(x) + rng.normal(0.0, noise, size=m)
    return x.reshape(-1, 1), y


def gaussian_features(m=1000, n_features=20, seed=0):
    """Standard-normal features with labels from a random linear rule plus noise.

    A larger data set for benchmarks: X of shape (m, n_features), y in {0, 1}.
    """
    m = check_positive_int(m, "m")
    n_features = check_positive_int(n_features, "n_features")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_features))
    w = rng.normal(size=n_features)
    y = (X @ w + 0.5 * rng.normal(size=m) > 0).astype(float)
    return X, y


def function_boundary(f, m=200, noise=0.0, seed=0, x_range=(-1.0, 1.0), y_range=None):
    """Two classes split by a curve you write: label 1 above y = f(x), label 0 below.

    The m points (x_1, x_2) are drawn uniformly from the box ``x_range`` x
    ``y_range`` (``y_range`` defaults to ``x_range``); a point's label is 1
    where x_2 > f(x_1) + e and 0 otherwise, with e drawn from a normal
    distribution of standard deviation ``noise`` for each point (``noise=0``:
    every label is on the right side of the curve; a larger noise mixes
    the labels near it).  ``f`` takes and returns NumPy arrays
    (e.g. ``lambda x: np.sin(3 * x)`` or ``np.square``).

    Returns X of shape (m, 2) and y of shape (m,), labels in {0, 1}.  A
    clear error if ``f`` is not callable, does not return one finite number
    per point, or puts every point on the same side.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of x (NumPy arrays in, arrays out), not {f!r}")
    m = check_positive_int(m, "m")
    noise = _noise(noise)
    x0, x1 = _range(x_range, "x_range")
    y0, y1 = _range(x_range if y_range is None else y_range, "y_range")
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)])
    try:
        with np.errstate(all="ignore"):  # a NaN or inf gets its own message below
            fx = np.asarray(f(X[:, 0].copy()), dtype=float)
    except Exception as e:
        raise ValueError(f"f(x) failed on an array of {m} x values: {type(e).__name__}: {e}") from None
    if fx.shape == ():  # a constant function, e.g. lambda x: 0.5
        fx = np.full(m, float(fx))
    if fx.shape != (m,):
        raise ValueError(
            f"f must return one value per x (shape ({m},) for {m} points), got shape {fx.shape}; "
            "write it with NumPy operations, e.g. lambda x: np.sin(3 * x)"
        )
    if not np.isfinite(fx).all():
        bad = int(np.argmax(~np.isfinite(fx)))
        raise ValueError(f"f(x) is not finite at x = {X[bad, 0]:.4g}: {fx[bad]}")
    y = (X[:, 1] > fx + rng.normal(0.0, noise, size=m)).astype(float)
    if m > 1 and y.min() == y.max():
        side = "above" if y[0] == 1 else "below"
        raise ValueError(
            f"every point lies {side} the curve y = f(x) in the box {x_range} x "
            f"{x_range if y_range is None else y_range}: one class only; move the curve or the box"
        )
    return X, y


def _range(r, name):
    try:
        lo, hi = (float(v) for v in r)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of numbers, got {r!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {r!r}")
    return lo, hi
