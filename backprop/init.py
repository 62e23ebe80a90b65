"""Initial weights: the schemes of chapter 10, ``MLP(..., init=...)``.

Every scheme draws each entry of W[l] independently from a normal
distribution with mean 0 and a standard deviation sigma_l that depends on
the layer's fan-in n_{l-1} (and fan-out n_l); biases start at zero.

==================  =====================================  ==========================================
``init``            sigma_l                                why (chapter 10)
==================  =====================================  ==========================================
``"auto"``          He for a ReLU layer, LeCun otherwise   the package's default
``"he"``            sqrt(2 / n_{l-1})                      ReLU keeps half the second moment
``"lecun"``         sqrt(1 / n_{l-1})                      Var(z[l]) = E[a[l-1]^2] forwards
``"glorot"``        sqrt(2 / (n_{l-1} + n_l))              the compromise of forward and backward
``"zeros"``         0                                      every unit of a layer stays the same
``("normal", s)``   s, for s >= 0                          any fixed scale
==================  =====================================  ==========================================
"""

from __future__ import annotations

import math
import numbers

__all__ = ["SCHEMES", "check_init", "std"]

SCHEMES = ("auto", "he", "lecun", "glorot", "zeros")


def check_init(init):
    """``init`` as :class:`~backprop.MLP` records it: a name of ``SCHEMES`` or ``("normal", sigma)``.

    Raises ``ValueError`` for an unknown name or a missing, negative or
    non-finite sigma, and ``TypeError`` for anything else (a bare number, say).
    """
    choices = ", ".join(f'"{s}"' for s in SCHEMES) + ' or ("normal", sigma)'
    if isinstance(init, str):
        if init not in SCHEMES:
            hint = ' (for a fixed scale write ("normal", sigma))' if init == "normal" else ""
            raise ValueError(f"unknown init {init!r}{hint}; choose one of {choices}")
        return init
    if isinstance(init, numbers.Number):
        raise TypeError(f"init={init!r} is a bare number; for a normal distribution with that "
                        f'standard deviation write init=("normal", {init!r}); choices: {choices}')
    if not isinstance(init, (tuple, list)) or not init or init[0] != "normal":
        raise TypeError(f"init must be one of {choices}, got {init!r}")
    if len(init) != 2:
        raise ValueError(f'init=("normal", sigma) needs exactly one sigma, got {tuple(init)!r}')
    sigma = init[1]
    if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real):
        raise TypeError(f'the sigma of ("normal", sigma) must be a number, got {sigma!r}')
    if not math.isfinite(sigma) or sigma < 0:
        raise ValueError(f'the sigma of ("normal", sigma) must be finite and >= 0, got {sigma!r}')
    return ("normal", float(sigma))


def std(init, n_in, n_out, activation):
    """sigma_l, the standard deviation of W[l]'s entries, for a checked ``init``.

    ``n_in`` is n_{l-1}, ``n_out`` is n_l, ``activation`` names g[l].
    """
    if init == "auto":
        init = "he" if activation == "relu" else "lecun"
    if init == "he":
        return math.sqrt(2.0 / n_in)
    if init == "lecun":
        return math.sqrt(1.0 / n_in)
    if init == "glorot":
        return math.sqrt(2.0 / (n_in + n_out))
    if init == "zeros":
        return 0.0
    return init[1]  # ("normal", sigma)
