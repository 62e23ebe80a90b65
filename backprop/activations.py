"""Activation functions g and their derivatives g', each one entry in every form.

Each activation is one :class:`Activation`, as in the TensorFlow Playground's
``nn.ts`` each is an ``{output, der}`` pair: the function ``A = g(Z)``
(equation F2) and its derivative ``g'(Z)`` (equations B1 and B2), in NumPy,
in SymPy (:mod:`backprop.symbolic` builds its expressions from these) and in
TeX (every displayed formula, in the graphs and the playground, is built from
these).  Adding an activation is adding one entry to ``ACTIVATIONS`` (and,
for chapter 9's scalar engine, :mod:`backprop.autodiff`, a method of ``Var``).

The derivative can be written in terms of the layer's *output* ``A`` rather
than its input ``Z``, which is how the notes write it
(``sigma'(z) = a (1 - a)``) and which lets the fast loop keep only ``A`` for
the backward pass:

==========  ===========================  ============================
name        g(z)                         g'(z), in terms of a = g(z)
==========  ===========================  ============================
sigmoid     1 / (1 + e^{-z})             a (1 - a)
relu        max(z, 0)                    1 if a > 0 else 0  (ReLU'(0) = 0)
tanh        tanh z                       1 - a^2
identity    z                            1
softmax     e^{z_k} / sum_j e^{z_j}      not element-wise: da_k/dz_j = a_k (delta_kj - a_j)
==========  ===========================  ============================

The softmax is the one activation that is not element-wise: each output a_k of
a column depends on every z_j of that column, so its derivative is a full
K x K Jacobian, not a factor ``g'(Z)`` of B2.  It is therefore an output layer
only, with the cross-entropy loss, whose B1 takes the Jacobian whole
(``backprop/losses.py``); its ``prime`` and ``overwrite_with_prime`` raise, and
its SymPy forms take a column (a SymPy Matrix) and give the column of
outputs and the Jacobian.

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


def _softmax(z, out=None):
    """e^{z_k} / sum_j e^{z_j} down each column (axis 0), computed as the softmax of
    z - max_j z_j, which is equal and has no overflow: every exponent is <= 0 and
    the sum is >= 1."""
    z = np.asarray(z, dtype=np.float64)
    top = z.max(axis=0, keepdims=True)
    out = np.subtract(z, top, out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=0, keepdims=True)
    return out


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


def _no_elementwise_prime(*args):
    raise ValueError(
        "the softmax has no element-wise derivative g'(z): each a_k depends on every z_j "
        "(da_k/dz_j = a_k (delta_kj - a_j), a full Jacobian), so it can only be the output "
        "layer, with loss='cross_entropy', whose B1 takes that Jacobian whole"
    )


def _identity_prime(Z):
    return np.ones_like(Z, dtype=np.float64)


# A <- g'(Z) in place, written through A = g(Z) (the fast loop); ``scratch`` is
# a free array of A's shape.  Each returns A, which now holds g'(Z).
def _sigmoid_overwrite(A, scratch):
    np.subtract(1.0, A, out=scratch)
    A *= scratch  # a (1 - a)
    return A


def _relu_overwrite(A, scratch):
    np.greater(A, 0.0, out=A)  # ReLU'(z) = 1 if z > 0 else 0, and z > 0 <=> a > 0
    return A


def _tanh_overwrite(A, scratch):
    np.multiply(A, A, out=A)
    np.subtract(1.0, A, out=A)  # 1 - a^2
    return A


def _identity_overwrite(A, scratch):
    A.fill(1.0)
    return A


def _squared(t):
    """``t`` squared in TeX, with parentheses when ``t`` has a superscript."""
    return f"({t})^{{2}}" if "^" in t else f"{t}^{{2}}"


@dataclass(frozen=True)
class Activation:
    """An activation function g in every form the book uses: NumPy, SymPy and TeX.

    Attributes
    ----------
    name : str
    forward : callable ``(Z, out=None) -> A``, A = g(Z) (equation F2); ``out``
        may be Z.  The sigmoid's may overflow harmlessly (run it under
        ``np.errstate(over="ignore")``, or use :func:`sigmoid`).
    prime : callable ``Z -> g'(Z)``, the derivative as a new array (equation B2).
    overwrite_with_prime : callable ``(A, scratch) -> A``: overwrites
        A = g(Z) with g'(Z) and returns that array; ``scratch`` is an array of
        A's shape that it may overwrite.  The fast loop's version of ``prime``.
    sympy : callable ``(sp, z) -> g(z)``, the SymPy expression (``sp`` is the
        ``sympy`` module, passed in so that this module needs only NumPy).
    sympy_prime : callable ``(sp, z) -> g'(z)``, written as the book writes it
        (sigma (1 - sigma), ReLU'(0) = 0), not by differentiating ``sympy``.
    tex : callable ``z -> str``, the TeX of g(z).
    tex_prime : callable ``Z -> str``, the TeX of g'(Z) applied entry by entry
        (the factor of B2); ``"1"`` where g' is the constant 1.
    tex_local : callable ``(a, z) -> str``, the TeX of da/dz for one unit,
        in terms of its output a (or its input z), as the graphs label it.
    elementwise : bool
        True (the default) when a_k depends on z_k alone.  False for the
        softmax: its ``sympy`` takes a column (a SymPy Matrix) and gives the
        column of outputs, its ``sympy_prime`` the Jacobian da/dz, and it is an
        output layer only.
    """

    name: str
    forward: Callable
    prime: Callable
    overwrite_with_prime: Callable
    sympy: Callable
    sympy_prime: Callable
    tex: Callable
    tex_prime: Callable
    tex_local: Callable
    elementwise: bool = True

    def tex_times_prime(self, Z):
        """The factor ``\\odot g'(Z)`` of B2 (and of B1 for some losses); nothing where g' = 1."""
        prime = self.tex_prime(Z)
        return "" if prime == "1" else rf"\odot {prime}"

    def __repr__(self):
        return f"<activation {self.name!r}>"


def _sympy_sigmoid(sp, z):
    return 1 / (1 + sp.exp(-z))


def _sympy_softmax(sp, z):
    """The column softmax(z) of a SymPy column z: e^{z_k} / sum_j e^{z_j}."""
    e = z.applyfunc(sp.exp)
    return e / sum(e)


def _sympy_softmax_jacobian(sp, z):
    """da_k/dz_j = a_k (delta_kj - a_j) as the book writes it, not by differentiating."""
    a = _sympy_softmax(sp, z)
    K = a.shape[0]
    return sp.Matrix(K, K, lambda k, j: a[k] * (sp.KroneckerDelta(k, j) - a[j]))


def _sympy_relu_prime(sp, z):
    return sp.Piecewise((1, z > 0), (0, True))  # ReLU'(0) = 0, as the notes have it


# One entry per activation: adding one is adding an entry here.
ACTIVATIONS = {g.name: g for g in (
    Activation(
        "sigmoid", _sigmoid, _sigmoid_prime, _sigmoid_overwrite,
        sympy=_sympy_sigmoid,
        sympy_prime=lambda sp, z: _sympy_sigmoid(sp, z) * (1 - _sympy_sigmoid(sp, z)),
        tex=lambda z: rf"\sigma({z})",
        tex_prime=lambda Z: rf"\sigma^{{\prime}}({Z})",
        tex_local=lambda a, z: f"{a}(1-{a})",
    ),
    Activation(
        "relu", _relu, _relu_prime, _relu_overwrite,
        sympy=lambda sp, z: sp.Piecewise((z, z > 0), (0, True)),  # SymPy differentiates a Piecewise
        sympy_prime=_sympy_relu_prime,
        tex=lambda z: rf"\mathrm{{ReLU}}({z})",
        tex_prime=lambda Z: rf"\mathrm{{ReLU}}^{{\prime}}({Z})",
        tex_local=lambda a, z: rf"\mathbf{{1}}[{z}>0]",
    ),
    Activation(
        "tanh", _tanh, _tanh_prime, _tanh_overwrite,
        sympy=lambda sp, z: sp.tanh(z),
        sympy_prime=lambda sp, z: 1 - sp.tanh(z) ** 2,
        tex=lambda z: rf"\tanh({z})",
        tex_prime=lambda Z: rf"\tanh^{{\prime}}({Z})",
        tex_local=lambda a, z: f"1-{_squared(a)}",
    ),
    Activation(
        "identity", _identity, _identity_prime, _identity_overwrite,
        sympy=lambda sp, z: z,
        sympy_prime=lambda sp, z: sp.Integer(1),
        tex=lambda z: z,
        tex_prime=lambda Z: "1",
        tex_local=lambda a, z: "1",
    ),
    Activation(
        "softmax", _softmax, _no_elementwise_prime, _no_elementwise_prime,
        sympy=_sympy_softmax,
        sympy_prime=_sympy_softmax_jacobian,
        tex=lambda z: rf"\operatorname{{softmax}}({z})",
        tex_prime=lambda Z: rf"\dfrac{{\partial A}}{{\partial {Z}}}",
        tex_local=lambda a, z: rf"{a}(\delta-a)",
        elementwise=False,
    ),
)}


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
