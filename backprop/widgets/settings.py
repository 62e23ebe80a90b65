"""What the live trainer, the explorer and the player accept: checked data and network settings."""

from __future__ import annotations

import numbers

import numpy as np

from .. import losses
from ..network import MLP
from ..validation import as_float_array, check_positive_int, check_X, check_y

__all__ = ["setup", "output_classes", "hidden_tuple", "network", "describe"]


def output_classes(loss, y):
    """K, the output units of a loss that takes class labels (the cross-entropy), else None.

    K is the largest label plus one, at least 2; labels that are not whole
    numbers 0..K-1 get the loss's own message from the network's check.
    """
    if losses.get(loss).output != "softmax":
        return None
    y = np.asarray(y, dtype=float)
    finite = y[np.isfinite(y)]
    return max(2, int(finite.max()) + 1) if finite.size else 2


def setup(X, y, loss, output, problem):
    """Checked ``(X, y, output, problem)``; the problem and the output follow from the loss."""
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (m, n_0), one example per row; got {X.shape}")
    X = check_X(X, X.shape[1])
    spec = losses.get(loss)
    if problem is None:
        problem = spec.task
    if problem not in losses.TASKS:
        raise ValueError(
            f"problem must be 'classification' or 'regression' (or None), got {problem!r}"
        )
    n_0 = 2 if problem == "classification" else 1
    if X.shape[1] != n_0:
        shown = "a decision boundary in the plane" if n_0 == 2 else "a curve y(x)"
        raise ValueError(
            f"the {problem} widget draws {shown}, so X must have {n_0} feature(s); "
            f"got X with shape {X.shape}"
        )
    if output is None:
        output = spec.default_output
    classes = output_classes(loss, y)
    Y = check_y(y, X.shape[0], classes or 1, loss)
    y = Y[:, 0] if classes is None else Y.argmax(axis=1).astype(float)  # labels 0..K-1
    return X, y, output, problem


def hidden_tuple(hidden, max_hidden=None):
    if isinstance(hidden, numbers.Integral):
        hidden = (hidden,)
    if isinstance(hidden, str) or not hasattr(hidden, "__len__"):
        raise TypeError(f"hidden must be a tuple of layer sizes, e.g. (16,) or (), not {hidden!r}")
    hidden = tuple(check_positive_int(n, "a hidden layer size") for n in hidden)
    if max_hidden is not None and any(n > max_hidden for n in hidden):
        raise ValueError(f"hidden layer sizes {hidden} exceed max_hidden = {max_hidden}")
    return hidden


def network(n_0, hidden, activation, output, loss, seed, classes=None):
    """``MLP([n_0, *hidden, n_L], [activation] * len(hidden) + [output], loss, seed)``.

    n_L is 1, or ``classes`` (K, from :func:`output_classes`) for the cross-entropy.
    """
    return MLP([n_0, *hidden, classes or 1], [activation] * len(hidden) + [output], loss=loss,
               seed=seed)


def describe(hidden):
    return "no hidden layer" if not hidden else f"hidden {list(hidden)}"
