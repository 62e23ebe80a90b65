"""Activation functions g and their derivatives g'.

Each activation is a pair, as in the TensorFlow Playground's ``nn.ts``: the
function ``A = g(Z)`` and its derivative ``g'(Z)``.  The derivative is written
in terms of the layer's *output* ``A`` rather than its input ``Z``, which is
how the notes write it (``sigma'(z) = a (1 - a)``) and which lets the network
keep only ``A`` for the backward pass:

==========  ===========================  ============================
name        g(z)                         g'(z), in terms of a = g(z)
==========  ===========================  ============================
sigmoid     1 / (1 + e^{-z})             a (1 - a)
relu        max(z, 0)                    1 if a > 0 else 0  (ReLU'(0) = 0)
tanh        tanh z                       1 - a^2
identity    z                            1
==========  ===========================  ============================

Both functions work in place on float64 arrays (``out=``), because the
training loop calls them thousands of times on small arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Activation", "ACTIVATIONS", "sigmoid", "get"]


def sigmoid(z, out=None):
    """sigma(z) = 1 / (1 + e^{-z}), computed as exp(-log(1 + e^{-z})).

    ``np.logaddexp(0, -z)`` is log(1 + e^{-z}) without overflow, so this is
    exact to a few ulps for every finite z, including |z| > 709 where
    ``1 / (1 + np.exp(-z))`` overflows.
    """
    z = np.asarray(z, dtype=np.float64)
    if out is None:
        out = np.empty_like(z)
    np.negative(z, out=out)
    np.logaddexp(0.0, out, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    return out if out.ndim else out[()]  # a NumPy float for a scalar z


def _relu(z, out=None):
    return np.maximum(z, 0.0, out=out)


def _tanh(z, out=None):
    return np.tanh(z, out=out)


def _identity(z, out=None):
    if out is None:
        return np.array(z, dtype=np.float64)
    if out is not z:
        np.copyto(out, z)
    return out


# Backward functions: dA <- dA * g'(Z), in place, with g'(Z) written through A.
def _sigmoid_backward(dA, A, tmp):
    np.subtract(1.0, A, out=tmp)
    tmp *= A
    dA *= tmp


def _relu_backward(dA, A, tmp):
    np.greater(A, 0.0, out=tmp)  # ReLU'(z) = 1 if z > 0 else 0, and z > 0 <=> a > 0
    dA *= tmp


def _tanh_backward(dA, A, tmp):
    np.multiply(A, A, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    dA *= tmp


def _identity_backward(dA, A, tmp):
    pass


@dataclass(frozen=True)
class Activation:
    """An activation function g with its derivative.

    Attributes
    ----------
    name : str
    forward : callable ``(Z, out=None) -> A``, A = g(Z)
    backward : callable ``(dA, A, tmp) -> None``: dA *= g'(Z) in place, where
        ``A = g(Z)`` and ``tmp`` is a scratch array of A's shape.
    derivative : callable ``A -> g'(Z)``, the derivative as a new array.
    """

    name: str
    forward: Callable
    backward: Callable

    def derivative(self, A):
        """g'(Z) as a new array, from the layer output A = g(Z)."""
        A = np.asarray(A, dtype=np.float64)
        d = np.ones_like(A)
        self.backward(d, A, np.empty_like(A))
        return d


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, _sigmoid_backward),
    "relu": Activation("relu", _relu, _relu_backward),
    "tanh": Activation("tanh", _tanh, _tanh_backward),
    "identity": Activation("identity", _identity, _identity_backward),
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
