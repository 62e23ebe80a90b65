"""Gradient checking against centred finite differences (float64).

The oracle is independent of the backward pass: it only ever calls the cost J,

    dJ/dtheta_k  ~  (J(theta + h e_k) - J(theta - h e_k)) / (2 h),

whose error is O(h^2) from truncation plus O(eps_machine * J / h) from
rounding; h = 1e-5 balances the two for costs of order one.
"""

from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradients", "relative_error", "max_relative_error", "gradient_check"]


def numerical_gradients(net, X, y, h=1e-5, *, method="centred"):
    """Finite differences of ``net.cost`` for every W and b.

    Parameters
    ----------
    net : MLP
    X, y : array_like
        Inputs (m, n_0) and targets, as for ``net.cost``.
    h : float
        The step, positive.
    method : {"centred", "forward"}
        ``"centred"`` (the default): (J(theta + h e_k) - J(theta - h e_k)) / (2 h),
        truncation error O(h^2), two evaluations of J per parameter.
        ``"forward"``: the one-sided (J(theta + h e_k) - J(theta)) / h,
        truncation error O(h); chapter 6 compares the two.

    Returns
    -------
    tuple of list
        ``(dWs, dbs)`` shaped like ``net.weights`` and ``net.biases``.  When it
        returns, the network's parameters are restored exactly.
    """
    if not h > 0:
        raise ValueError(f"the finite-difference step h must be positive, got {h}")
    if method not in ("centred", "forward"):
        raise ValueError(f'method must be "centred" or "forward", got {method!r}')
    centred = method == "centred"
    J_0 = None if centred else net.cost(X, y)
    # Bad X or y makes net.cost raise at the first nudge; the finally below restores the
    # weight, so bad input changes nothing (and the centred loop makes exactly 2P calls).
    grads = []
    for P in list(net.weights) + list(net.biases):
        G = np.zeros_like(P)
        for k in np.ndindex(P.shape):
            saved = P[k]
            try:
                P[k] = saved + h
                J_plus = net.cost(X, y)
                if centred:
                    P[k] = saved - h
                    J_minus, step = net.cost(X, y), 2 * h
                else:
                    J_minus, step = J_0, h
            finally:
                P[k] = saved
            G[k] = (J_plus - J_minus) / step
        grads.append(G)
    L = len(net.weights)
    return grads[:L], grads[L:]


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)`` (Euclidean norms); 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def max_relative_error(a, b, tiny=1e-300):
    """The largest entry-wise relative error ``|a - b| / max(|a|, |b|, tiny)``.

    The measure of the cs231n notes: unlike :func:`relative_error`, which
    compares whole arrays, it also exposes one wrong small entry among large
    ones.  ``tiny`` keeps an entry that is 0 in both arrays (a dead ReLU
    unit's gradient) from dividing 0 by 0: such an entry counts as error 0.
    Arrays of different shapes raise ``ValueError``.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"the arrays must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), tiny)
    return float(np.max(np.abs(a - b) / scale))


def gradient_check(net, X, y, h=1e-5):
    """The largest relative error between ``net.gradients`` (B1 to B4) and finite differences.

    For each parameter array (every W[l] and b[l]) the relative error is
    ``||analytic - numeric|| / (||analytic|| + ||numeric||)``; the function
    returns the maximum over the arrays.  In the book's runs a correct
    backward pass gave about 1e-9 or less and the slips chapter 6 injects
    gave 1e-2 or more; that is what was run, not a bound for every network.

    Finite differences are unreliable across a kink of ReLU (z = 0): keep the
    inputs away from it, as random inputs almost surely are.
    """
    dWs, dbs = net.gradients(X, y)
    nWs, nbs = numerical_gradients(net, X, y, h)
    return max(relative_error(a, n) for a, n in zip(dWs + dbs, nWs + nbs))
