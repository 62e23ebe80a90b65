"""Checks of user input, each raising an error that names the problem.

The methods of :class:`~backprop.MLP` validate their arguments here before
they change anything, so a bad call to them never leaves a network
half-updated.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import activations as _activations
from . import losses as _losses


def check_sizes(sizes):
    """Layer sizes ``[n_0, n_1, ..., n_L]``: at least two positive integers."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(
            f"sizes must be a list of layer sizes [n_0, n_1, ..., n_L], not {sizes!r}"
        )
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"sizes needs at least two entries (inputs and outputs), got {sizes!r}"
        )
    for l, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"layer size n_{l} must be an integer, got {n!r}")
        if n < 1:
            raise ValueError(f"layer size n_{l} must be a positive integer, got {n}")
    return tuple(int(n) for n in sizes)


def check_activation_names(activations, n_layers):
    """One activation name per layer, each known."""
    if isinstance(activations, str) or not hasattr(activations, "__len__"):
        raise TypeError(
            "activations must be a list with one name per layer, "
            f"e.g. ['relu', 'sigmoid'], not {activations!r}"
        )
    activations = list(activations)
    if len(activations) != n_layers:
        raise ValueError(
            f"activations has {len(activations)} names but the network has "
            f"{n_layers} layers; give one activation per layer"
        )
    names = tuple(_activations.get(name).name for name in activations)
    for l, name in enumerate(names[:-1], start=1):
        if not _activations.get(name).elementwise:
            raise ValueError(
                f"layer {l} is a hidden layer, but {name!r} can only be the output layer: "
                f"it is not element-wise, so B2's factor g'(Z[{l}]) does not exist"
            )
    return names


def check_loss(loss, output_activation, n_L=None):
    """A known loss name whose output activation (and number of output units n_L) fits:
    ``'bce'`` needs a sigmoid, ``'cross_entropy'`` a softmax over n_L >= 2 units, and
    a softmax output needs ``'cross_entropy'``."""
    cost = _losses.get(loss)
    g = _activations.get(output_activation)
    if not g.elementwise and cost.output != g.name:
        raise ValueError(
            f"a {g.name!r} output layer needs loss='cross_entropy' (its B1 takes the "
            f"softmax's full Jacobian), not loss={loss!r}"
        )
    cost.check_output(output_activation)
    if n_L is not None:
        cost.check_units(n_L)
    return loss


def as_float_array(a, name):
    """``a`` as a float64 array, or a TypeError naming ``name``."""
    if isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, not a string")
    try:
        arr = np.asarray(a)
    except Exception as e:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers: {e}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be an array of real numbers, got dtype {arr.dtype}"
        )
    return arr.astype(np.float64, copy=False)


def check_finite(arr, name):
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} contains NaN or infinite values (first at index "
            f"{tuple(int(i) for i in bad)}: {arr[tuple(bad)]})"
        )


def check_X(X, n_0):
    """Inputs ``X`` of shape (m, n_0), finite."""
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D with shape (m, n_0) = (m, {n_0}), one example per "
            f"row; got an array with shape {X.shape}"
        )
    if X.shape[1] != n_0:
        raise ValueError(
            f"X has {X.shape[1]} features (columns) but the input layer expects "
            f"n_0 = {n_0}; X must have shape (m, {n_0})"
        )
    if X.shape[0] < 1:
        raise ValueError("X has no examples (m = 0 rows)")
    check_finite(X, "X")
    return X


def check_y(y, m, n_L, loss):
    """Targets of shape (m,) or (m, n_L), checked by the loss (labels in {0, 1} for log loss).

    Returns y with shape (m, n_L).
    """
    y = as_float_array(y, "y")
    check_finite(y, "y")
    y = _losses.get(loss).as_targets(y, m, n_L)  # class labels -> one-hot rows (cross-entropy)
    if y.ndim == 1 and n_L == 1:
        y = y.reshape(-1, 1)
    if y.ndim != 2 or y.shape != (m, n_L):
        expected = f"(m,) or (m, n_L) = ({m},) or ({m}, {n_L})" if n_L == 1 else f"(m, n_L) = ({m}, {n_L})"
        raise ValueError(
            f"y has shape {y.shape}, but X has m = {m} examples and the output "
            f"layer has n_L = {n_L} units; y must have shape {expected}"
        )
    _losses.get(loss).check_targets(y)
    return y


def check_learning_rate(lr):
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"the learning rate must be a real number, got {lr!r}")
    lr = float(lr)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(
            f"the learning rate must be a positive, finite number, got lr = {lr}"
        )
    return lr


def check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def check_params(weights, biases):
    """One weight matrix W[l] (n_l, n_{l-1}) and one bias b[l] ((n_l, 1) or (n_l,)) per layer.

    Returns ``(sizes, Ws, bs)``: the layer sizes [n_0, ..., n_L] and the
    parameters as float64 arrays, biases as columns (n_l, 1).
    """
    if len(weights) != len(biases) or len(weights) == 0:
        raise ValueError(
            f"the parameters need one weight matrix and one bias vector per layer; "
            f"got {len(weights)} weights and {len(biases)} biases"
        )
    Ws = [as_float_array(W, f"weights[{l}]") for l, W in enumerate(weights)]
    bs = [as_float_array(b, f"biases[{l}]") for l, b in enumerate(biases)]
    for l, W in enumerate(Ws):
        if W.ndim != 2:
            raise ValueError(f"weights[{l}] must be 2-D (n_out, n_in), got shape {W.shape}")
    sizes = [Ws[0].shape[1]] + [W.shape[0] for W in Ws]
    for l, W in enumerate(Ws):
        if W.shape != (sizes[l + 1], sizes[l]):
            raise ValueError(
                f"weights[{l}] has shape {W.shape}, but the previous layer has "
                f"{sizes[l]} units, so it must have shape ({W.shape[0]}, {sizes[l]})"
            )
        if bs[l].shape not in ((sizes[l + 1], 1), (sizes[l + 1],)):
            raise ValueError(
                f"biases[{l}] has shape {bs[l].shape}, but weights[{l}] has "
                f"{sizes[l + 1]} rows, so it must have shape ({sizes[l + 1]}, 1)"
            )
        check_finite(W, f"weights[{l}]")
        check_finite(bs[l], f"biases[{l}]")
    return check_sizes(sizes), Ws, [b.reshape(-1, 1) for b in bs]
