"""Activation functions g and their derivatives g'.

Each activation is a pair, as in the TensorFlow Playground's ``nn.ts``: the
function ``A = g(Z)`` (equation F2) and its derivative ``g'(Z)`` (equations
B1 and B2).  The derivative can be written in terms of the layer's *output*
``A`` rather than its input ``Z``, which is how the notes write it
(``sigma'(z) = a (1 - a)``) and which lets the fast loop keep only ``A`` for
the backward pass:

==========  ===========================  ============================
name        g(z)                         g'(z), in terms of a = g(z)
==========  ===========================  ============================
sigmoid     1 / (1 + e^{-z})             a (1 - a)
relu        max(z, 0)                    1 if a > 0 else 0  (ReLU'(0) = 0)
tanh        tanh z                       1 - a^2
identity    z                            1
==========  ===========================  ============================

``forward(Z, out)`` may write A over Z.  ``prime(Z)`` returns g'(Z) as a new
array, computed from Z, as the reference loop (:mod:`backprop.reference`) and
the equations use it.  ``overwrite_with_prime(A, scratch)`` is the fast loop's
version: it writes g'(Z) over A = g(Z), which the backward pass no longer needs
once it has g'(Z), and allocates nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ACTIVATIONS", "Activation", "get", "sigmoid"]


def _sigmoid(z, out=None):
    """sigma(z) = 1 / (1 + e^{-z}) in four in-place steps (see :func:`sigmoid`)."""
    out = np.negative(z, out=out)
    np.exp(out, out=out)  # e^{-z}: inf for z < -709.78, and then sigma = 1 / inf = 0
    out += 1.0
    return np.divide(1.0, out, out=out)


def sigmoid(z, out=None):
    """sigma(z) = 1 / (1 + e^{-z}), for every finite z, without warnings.

    For z < -709.78, e^{-z} overflows to inf and the result is 1 / inf = 0,
    which is sigma(z) rounded to the nearest float but for subnormal numbers
    (sigma(z) < 1.7e-308 there); for z > 37, sigma(z) rounds to 1.  Everywhere
    else the relative error is a few ulps.  Returns a NumPy float for a scalar z.
    """
    z = np.asarray(z, dtype=np.float64)
    if out is None:
        out = np.empty_like(z)
    with np.errstate(over="ignore", under="ignore"):
        _sigmoid(z, out=out)
    return out if out.ndim else out[()]


@functools.lru_cache(maxsize=8)
def _zero_row(m):
    zeros = np.zeros(m)
    zeros.flags.writeable = False
    return zeros


def _relu(z, out=None):
    # max(z, 0), taking the 0 from a row of zeros: NumPy's loop for two arrays
    # is about twice as fast as its loop for an array and a scalar.
    shape = getattr(z, "shape", ())
    return np.maximum(z, _zero_row(shape[-1]) if shape else 0.0, out=out)


def _tanh(z, out=None):
    return np.tanh(z, out=out)


def _identity(z, out=None):
    if out is None:
        return np.array(z, dtype=np.float64)
    if out is not z:
        np.copyto(out, z)
    return out


# g'(Z) from Z, as a new array (the reference loop).
def _sigmoid_prime(Z):
    A = sigmoid(Z)
    return A * (1.0 - A)


def _relu_prime(Z):
    return (np.asarray(Z) > 0).astype(np.float64)  # ReLU'(0) = 0


def _tanh_prime(Z):
    return 1.0 - np.tanh(Z) ** 2


def _identity_prime(Z):
    return np.ones_like(Z, dtype=np.float64)


# A <- g'(Z) in place, written through A = g(Z) (the fast loop); ``scratch`` is
# a free array of A's shape.
def _sigmoid_overwrite(A, scratch):
    np.subtract(1.0, A, out=scratch)
    A *= scratch  # a (1 - a)


def _relu_overwrite(A, scratch):
    np.greater(A, 0.0, out=A)  # ReLU'(z) = 1 if z > 0 else 0, and z > 0 <=> a > 0


def _tanh_overwrite(A, scratch):
    np.multiply(A, A, out=A)
    np.subtract(1.0, A, out=A)  # 1 - a^2


def _identity_overwrite(A, scratch):
    A.fill(1.0)


@dataclass(frozen=True)
class Activation:
    """An activation function g with its derivative.

    Attributes
    ----------
    name : str
    forward : callable ``(Z, out=None) -> A``, A = g(Z) (equation F2); ``out``
        may be Z.  The sigmoid's may overflow harmlessly (run it under
        ``np.errstate(over="ignore")``, or use :func:`sigmoid`).
    prime : callable ``Z -> g'(Z)``, the derivative as a new array (equation B2).
    overwrite_with_prime : callable ``(A, scratch) -> None``: overwrites
        A = g(Z) with g'(Z); ``scratch`` is an array of A's shape that it may
        overwrite.  The fast loop's version of ``prime``.
    """

    name: str
    forward: Callable
    prime: Callable
    overwrite_with_prime: Callable


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_prime, _sigmoid_overwrite),
    "relu": Activation("relu", _relu, _relu_prime, _relu_overwrite),
    "tanh": Activation("tanh", _tanh, _tanh_prime, _tanh_overwrite),
    "identity": Activation("identity", _identity, _identity_prime, _identity_overwrite),
}


def get(name) -> Activation:
    """The activation called ``name``; a clear error for anything else."""
    if not isinstance(name, str):
        raise TypeError(
            f"an activation must be given by name, a str, not {type(name).__name__} "
            f"({name!r}); valid names: {', '.join(ACTIVATIONS)}"
        )
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; valid activations: {', '.join(ACTIVATIONS)}"
        ) from None
