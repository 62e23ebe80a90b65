"""The reference loop: backpropagation as the book writes it, with nothing else.

This is the loop the chapters show.  It keeps every layer's Z, A, dZ, dW and
db, one line per equation of the notation page, layers numbered l = 1, ..., L
(index 0 of each list is a placeholder, or A[0] = X^T).  ``MLP`` computes the
same numbers with a faster loop (``backprop/network.py``); the tests hold the
two to each other, and ``MLP.trace`` returns this loop's record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import losses
from .activations import get as get_activation
from .validation import check_activation_names, check_loss, check_params, check_X, check_y

__all__ = ["LayerTrace", "Trace", "forward_backward"]


@dataclass(frozen=True)
class LayerTrace:
    """Layer l's forward and backward quantities (examples are columns).

    Attributes
    ----------
    l : int
        The layer, 1 to L.
    Z, A : np.ndarray
        Z[l] = W[l] A[l-1] + b[l] and A[l] = g(Z[l]), shape (n_l, m) (F1, F2).
    dZ : np.ndarray
        dJ/dZ[l], shape (n_l, m) (B1 for l = L, B2 below it).
    dW, db : np.ndarray
        dJ/dW[l], shape (n_l, n_{l-1}) (B3), and dJ/db[l], shape (n_l, 1) (B4).
    """

    l: int
    Z: np.ndarray
    A: np.ndarray
    dZ: np.ndarray
    dW: np.ndarray
    db: np.ndarray


@dataclass(frozen=True)
class Trace:
    """One forward and backward pass: the cost and every layer's quantities.

    ``trace[l]`` is layer l's :class:`LayerTrace` for l = 1, ..., L (the
    book's numbering, so there is no ``trace[0]``); ``len(trace)`` is L and
    iterating gives layers 1 to L.

    Attributes
    ----------
    J : float
        The cost (C).
    X : np.ndarray
        A[0] = X^T, the inputs as columns, shape (n_0, m).
    layers : tuple of LayerTrace
    """

    J: float
    X: np.ndarray
    layers: tuple

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __getitem__(self, l):
        if not isinstance(l, (int, np.integer)) or not 1 <= l <= len(self.layers):
            raise IndexError(
                f"layers are numbered l = 1, ..., {len(self.layers)}, got {l!r}; "
                "the inputs A[0] = X^T are trace.X"
            )
        return self.layers[l - 1]


def forward_backward(weights, biases, activations, loss, X, y):
    """J and every layer's Z, A, dZ, dW, db for inputs X (m, n_0) and targets y.

    ``weights[l - 1]`` is W[l], shape (n_l, n_{l-1}); ``biases[l - 1]`` is
    b[l]; ``activations`` names g[1], ..., g[L]; ``loss`` is ``"bce"``,
    ``"mse"`` or ``"cross_entropy"``.  Implements F1, F2, C, B1, B2, B3 and B4 of the notation page,
    one line each.  Returns a :class:`Trace`.
    """
    sizes, Ws, bs = check_params(weights, biases)
    names = check_activation_names(activations, len(Ws))
    check_loss(loss, names[-1], sizes[-1])
    X = check_X(X, sizes[0])
    Y = check_y(y, X.shape[0], sizes[-1], loss).T      # targets as columns (n_L, m)
    L, cost = len(Ws), losses.get(loss)
    W, b = [None, *Ws], [None, *bs]                     # W[l], b[l] for l = 1..L
    g = [None, *(get_activation(name) for name in names)]

    with np.errstate(over="ignore", under="ignore"):    # e^-z of the sigmoid may overflow to inf
        A, Z = [X.T], [None]                            # A[0] = X^T
        for l in range(1, L + 1):
            Z.append(W[l] @ A[l - 1] + b[l])            # (F1) Z[l] = W[l] A[l-1] + b[l]
            A.append(g[l].forward(Z[l]))                # (F2) A[l] = g(Z[l])
        J = cost.cost(Z[L], A[L], Y)                    # (C)  J = mean of the losses

        dZ, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
        dZ[L] = cost.delta(Z[L], A[L], Y, g[L])         # (B1) dZ[L], e.g. (A[L] - Y) / m
        for l in range(L, 0, -1):
            dW[l] = dZ[l] @ A[l - 1].T                  # (B3) dW[l] = dZ[l] A[l-1]^T
            db[l] = dZ[l].sum(axis=1, keepdims=True)    # (B4) db[l] = row sums of dZ[l]
            if l > 1:
                dZ[l - 1] = (W[l].T @ dZ[l]) * g[l - 1].prime(Z[l - 1])  # (B2)

    layers = tuple(LayerTrace(l, Z[l], A[l], dZ[l], dW[l], db[l]) for l in range(1, L + 1))
    return Trace(float(J), A[0], layers)
