"""SymPy helpers the chapters use to reproduce and *assert* each step of a derivation.

The chapters write every forward pass with the notes' own symbol names and let
SymPy differentiate.  This module holds what more than one chapter needs:

* the activations and losses as SymPy expressions (:func:`sigmoid`,
  :func:`relu`, :func:`log_loss`, :func:`squared_error`, ...), each the
  SymPy form its entry in :mod:`backprop.activations` or
  :mod:`backprop.losses` carries;
* :func:`assert_equal`, which *asserts* that two expressions (or matrices)
  are identical, and :func:`counterexample`, which shows at a concrete point
  that two expressions differ (how a chapter shows a slip in a note);
* matrices of symbols with the book's indices (:func:`matrix`), element-wise
  matrix derivatives (:func:`grad`) and a symbolic column-convention network
  (:func:`network`) whose derivatives are the independent oracle for the
  vectorised NumPy formulas;
* :func:`evaluate`, to turn SymPy results into NumPy arrays at given values,
  and :func:`show`, to display an equation as typeset math.

SymPy is imported when this module is first used (``bp.symbolic``).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from . import activations as _activations
from . import losses as _losses

__all__ = [
    "sigmoid",
    "relu",
    "relu_prime",
    "tanh",
    "identity",
    "softmax",
    "softmax_jacobian",
    "ACTIVATIONS",
    "log_loss",
    "squared_error",
    "cross_entropy",
    "LOSSES",
    "assert_equal",
    "counterexample",
    "matrix",
    "grad",
    "network",
    "PRIMES",
    "backward",
    "values",
    "evaluate",
    "show",
]


# ------------------------------------------------- activations and losses
# Each is the SymPy form its entry in backprop.activations or backprop.losses carries,
# so an activation or a loss is written in one place.
def sigmoid(z):
    """sigma(z) = 1 / (1 + e^{-z})."""
    return _activations.get("sigmoid").sympy(sp, z)


def relu(z):
    """ReLU(z) = z for z > 0, else 0 (a Piecewise, so SymPy can differentiate it)."""
    return _activations.get("relu").sympy(sp, z)


def relu_prime(z):
    """ReLU'(z) = 1 for z > 0, else 0 -- the notes' convention, ReLU'(0) = 0."""
    return _activations.get("relu").sympy_prime(sp, z)


def tanh(z):
    return _activations.get("tanh").sympy(sp, z)


def identity(z):
    return _activations.get("identity").sympy(sp, z)


def softmax(z):
    """softmax(z) of a SymPy column z: the column e^{z_k} / sum_j e^{z_j}."""
    return _activations.get("softmax").sympy(sp, sp.Matrix(z))


def softmax_jacobian(z):
    """da_k/dz_j = a_k (delta_kj - a_j), K x K, as the book writes it (not differentiated)."""
    return _activations.get("softmax").sympy_prime(sp, sp.Matrix(z))


def _bound(form):
    """``form(sp, ...)`` with SymPy filled in."""
    return functools.partial(form, sp)


ACTIVATIONS = {name: _bound(g.sympy) for name, g in _activations.ACTIVATIONS.items()}

# g'(z) as the book writes it, not by differentiating g: sigma (1 - sigma), ReLU'(0) = 0,
# 1 - tanh^2, 1 (the softmax, not element-wise: its Jacobian of a column).  backward() uses
# these, so SymPy's derivative of J stays an independent oracle.
PRIMES = {name: _bound(g.sympy_prime) for name, g in _activations.ACTIVATIONS.items()}


def log_loss(y, a):
    """Per-example log loss (binary cross-entropy), -y log a - (1 - y) log(1 - a): the twin of ``"bce"``."""
    return _losses.get("bce").sympy(sp, y, a)


def squared_error(y, yhat):
    """Per-example squared error (y - yhat)^2, not halved: the twin of ``backprop.losses`` ``"mse"``."""
    return _losses.get("mse").sympy(sp, y, yhat)


def cross_entropy(y, a):
    """-sum_k y_k log a_k for columns y (one-hot) and a: the twin of ``"cross_entropy"``."""
    term = _losses.get("cross_entropy").sympy
    return sum(term(sp, y_k, a_k) for y_k, a_k in zip(sp.Matrix(y), sp.Matrix(a)))


# The SymPy twins of backprop.losses.LOSSES, under the same names (tests/test_losses.py).
LOSSES = {name: _bound(loss.sympy) for name, loss in _losses.LOSSES.items()}


# ------------------------------------------------------------------ checking
def _simplified_difference(actual, expected):
    diff = sp.simplify(sp.sympify(actual) - sp.sympify(expected))
    if isinstance(diff, sp.MatrixBase):
        return diff.applyfunc(sp.simplify)
    return diff


def _is_zero(diff):
    if isinstance(diff, sp.MatrixBase):
        return all(_is_zero(d) for d in diff)
    if diff == 0:
        return True
    # Piecewise expressions (ReLU) sometimes need piecewise_fold to cancel.
    return sp.simplify(sp.piecewise_fold(diff)) == 0


def assert_equal(actual, expected, what="expression"):
    """Assert that two SymPy expressions (or matrices) are identically equal.

    Raises ``AssertionError`` showing both sides and their difference unless
    ``simplify(actual - expected)`` is zero.  Returns ``actual`` so a cell can
    assert and display in one line.

    ``simplify`` is slow on large compositions, above all with ReLU's
    ``Piecewise`` (a 3-4-1 ReLU network's per-example dL/dW[1] did not finish
    in minutes): compare such results at numbers instead (:func:`values`,
    :func:`evaluate`).
    """
    lhs, rhs = actual, expected
    if isinstance(actual, sp.MatrixBase) or isinstance(expected, sp.MatrixBase):
        lhs, rhs = sp.Matrix(actual), sp.Matrix(expected)
        if lhs.shape != rhs.shape:
            raise AssertionError(f"{what}: shapes differ, {lhs.shape} != {rhs.shape}")
    diff = _simplified_difference(lhs, rhs)
    if not _is_zero(diff):
        raise AssertionError(
            f"{what} is not what was expected:\n  got      {actual}\n"
            f"  expected {expected}\n  difference {diff}"
        )
    return actual


def counterexample(expr_a, expr_b, point):
    """The values of two expressions at ``point`` (a dict symbol -> number).

    Returns ``(value_a, value_b)`` as floats.  A chapter uses it to show that
    a note's expression differs from the correct one at a concrete point, and
    asserts that the two values differ.
    """
    a = float(sp.N(sp.sympify(expr_a).subs(point)))
    b = float(sp.N(sp.sympify(expr_b).subs(point)))
    return a, b


# ----------------------------------------------------------------- matrices
def matrix(name, rows, cols, superscript=""):
    """A rows x cols Matrix of real symbols named ``name^{superscript}_{jk}``.

    ``matrix("W", 2, 3, "[1]")`` gives the symbols ``W^{[1]}_{11}``, ...,
    ``W^{[1]}_{23}`` (1-based j, k, as in the notes), which print as typeset
    math.  A column vector is ``matrix("b", n, 1, "[1]")``, its entries
    ``b^{[1]}_{1}``, ...
    """
    sup = f"^{{{superscript}}}" if superscript else ""

    def entry(j, k):
        idx = f"{j + 1}" if cols == 1 else f"{j + 1}{k + 1}"
        return sp.Symbol(f"{name}{sup}_{{{idx}}}", real=True)

    # Immutable, so a matrix of symbols can be a key of the dict given to values().
    return sp.ImmutableMatrix(rows, cols, entry)


def grad(J, M):
    """The element-wise derivative dJ/dM: a Matrix shaped like M with entries dJ/dM_jk."""
    return M.applyfunc(lambda s: sp.diff(J, s))


def network(sizes, activations, loss, m):
    """A symbolic column-convention network for m examples.

    Returns a dict with the symbol matrices ``X`` (n_0, m), ``Y`` (n_L, m),
    lists ``W``, ``b`` (one per layer), the expressions ``Z``, ``A`` (lists of
    matrices), and the cost ``J`` = (1/m) sum over examples of the loss summed
    over output units -- equations F1, F2 and C, the same definitions as
    :class:`backprop.MLP`, written independently of its NumPy code.
    """
    L = len(sizes) - 1
    X = matrix("x", sizes[0], m)
    Y = matrix("y", sizes[-1], m)
    W = [matrix("W", sizes[l + 1], sizes[l], f"[{l + 1}]") for l in range(L)]
    b = [matrix("b", sizes[l + 1], 1, f"[{l + 1}]") for l in range(L)]
    Z, A = [], []
    A_prev = X
    for l in range(L):
        Z_l = W[l] * A_prev + b[l] * sp.ones(1, m)  # b broadcast over the m columns
        g = _activations.get(activations[l])
        if g.elementwise:
            A_l = Z_l.applyfunc(_bound(g.sympy))
        else:  # the softmax: column by column, each example on its own
            A_l = sp.Matrix.hstack(*(g.sympy(sp, Z_l[:, i]) for i in range(m)))
        Z.append(Z_l)
        A.append(A_l)
        A_prev = A_l
    per_entry = _bound(_losses.get(loss).sympy)
    J = sum(per_entry(Y[k, i], A[-1][k, i]) for k in range(sizes[-1]) for i in range(m)) / m
    return {"X": X, "Y": Y, "W": W, "b": b, "Z": Z, "A": A, "J": J,
            "activations": list(activations), "loss": loss, "m": m}


def backward(net, at=None):
    """The backward pass B1 to B4 on a symbolic :func:`network`, in SymPy.

    Parameters
    ----------
    net : dict
        What :func:`network` returns.
    at : dict or None
        A substitution {symbol: value} (e.g. from :func:`values`).  Given,
        the forward quantities X, Y, W, Z and A are evaluated there first and
        the recursion runs on numbers, which is fast even for deep networks;
        ``None`` gives the recursion as expressions in the symbols.

    Returns
    -------
    dict
        Lists ``dZ``, ``dW``, ``db`` of SymPy matrices, one per layer
        (index ``l - 1`` is layer l), computed by the recursion of the
        notation page and nothing else::

            (B1) dZ[L] = (A[L] - Y) / m                          (log loss, sigmoid;
                                                                  cross-entropy, softmax)
                 dZ[L] = 2 (A[L] - Y) / m * g'(Z[L])             (squared error)
            (B2) dZ[l] = (W[l+1]^T dZ[l+1]) * g'(Z[l])
            (B3) dW[l] = dZ[l] A[l-1]^T
            (B4) db[l] = dZ[l] 1

        with ``*`` the element-wise product and g' from ``PRIMES``.  The
        chapters compare these with SymPy's derivatives of ``net["J"]``
        (:func:`grad`), which use no recursion at all.

    Raises
    ------
    ValueError
        For an output activation the loss does not take (the log loss without
        a sigmoid output, whose B1 is not (A - Y) / m).
    """
    acts, loss, m = net["activations"], net["loss"], net["m"]
    W, Z, A, Y, X = net["W"], net["Z"], net["A"], net["Y"], net["X"]
    if at is not None:
        W, Z, A = ([M.xreplace(at) for M in Ms] for Ms in (W, Z, A))
        Y, X = Y.xreplace(at), X.xreplace(at)
    L = len(W)
    cost = _losses.get(loss)
    if cost.output is not None and acts[-1] != cost.output:  # e.g. the log loss's B1 needs a sigmoid
        raise ValueError(f"the {cost.title} needs a {cost.output} output layer, not {acts[-1]!r}")

    def prime(l):  # g'(Z[l]) for the 0-based layer index l
        return Z[l].applyfunc(_bound(_activations.get(acts[l]).sympy_prime))

    dZ = [None] * L
    dZ[-1] = cost.sympy_delta(A[-1], Y, m, lambda: prime(L - 1))       # (B1)
    for l in range(L - 2, -1, -1):
        dZ[l] = (W[l + 1].T * dZ[l + 1]).multiply_elementwise(prime(l))  # (B2)
    inputs = [X] + A[:-1]                                                # A[l-1]
    dW = [dZ[l] * inputs[l].T for l in range(L)]                         # (B3)
    db = [dZ[l] * sp.ones(m, 1) for l in range(L)]                       # (B4)
    return {"dZ": dZ, "dW": dW, "db": db}


# -------------------------------------------------------- numbers and display
def values(mapping):
    """A substitution dict from ``{symbol or matrix: number or array}``.

    ``mapping`` may also be a list of ``(symbol or matrix, value)`` pairs.
    Matrices are matched to arrays of the same shape entry by entry.
    """
    subs = {}
    pairs = mapping.items() if isinstance(mapping, dict) else mapping
    for key, value in pairs:
        if isinstance(key, sp.MatrixBase):
            arr = np.asarray(value, dtype=np.float64)
            if arr.shape != key.shape:
                raise ValueError(
                    f"a {key.shape[0]}x{key.shape[1]} symbol matrix needs an array "
                    f"of shape {key.shape}, got {arr.shape}"
                )
            subs.update({s: sp.Float(float(v), 30) for s, v in zip(key, arr.ravel())})
        else:
            subs[key] = sp.Float(float(value), 30)
    return subs


def evaluate(expr, subs):
    """``expr`` (expression or Matrix) at ``subs`` as a float64 NumPy array (or float)."""
    result = sp.sympify(expr).xreplace(subs)
    if isinstance(result, sp.MatrixBase):
        return np.array(result.evalf(30).tolist(), dtype=np.float64)
    return float(sp.N(result, 30))


def show(lhs, rhs):
    """Display ``lhs = rhs`` as typeset math (``lhs`` a LaTeX string, ``rhs`` SymPy)."""
    from IPython.display import Math  # IPython only to display: the module runs without it

    return Math(f"{lhs} = {sp.latex(rhs)}")
