"""The backward pass's equations (B1 to B4 of the notation page) as TeX, for one network.

The equations the package displays are built here from the TeX that each
activation (:mod:`backprop.activations`) and each loss (:mod:`backprop.losses`)
carries: the annotation under a computational graph (:mod:`backprop.graph`;
its edge labels are written there, from the same TeX) and the playground's dZ
table (:mod:`backprop.widgets`).  A new activation or loss
therefore appears in all of them without a change here.  Needs neither NumPy
nor matplotlib.
"""

from __future__ import annotations

from . import activations as _activations
from . import losses as _losses

__all__ = ["dZ", "output_delta", "hidden_delta", "delta", "dW", "db", "dA"]


def _sup(name, l):
    return f"{name}^{{[{l}]}}"


def dZ(l):
    r"""``\mathrm{d}Z^{[l]}``."""
    return rf"\mathrm{{d}}Z^{{[{l}]}}"


def output_delta(L, output, loss):
    """The right-hand side of B1, dZ[L] = ..., for the output activation and the loss (names)."""
    g = _activations.get(output)
    return _losses.get(loss).tex_delta(_sup("A", L), _sup("Z", L), g)


def hidden_delta(l, activation):
    """The right-hand side of B2, dZ[l] = (W[l+1]^T dZ[l+1]) ⊙ g'(Z[l])."""
    g = _activations.get(activation)
    return rf"(W^{{[{l + 1}]\top}}\,{dZ(l + 1)})" + g.tex_times_prime(_sup("Z", l))


def delta(l, activations, loss):
    """``(rhs, tag, note)`` of the equation that gives dZ[l]: B1 for l = L, B2 below it.

    ``activations`` names g[1], ..., g[L]; ``note`` is a few words for a table
    ("B1, log loss with a sigmoid output").
    """
    L = len(activations)
    if l == L:
        g = _activations.get(activations[L - 1])
        return output_delta(L, g.name, loss), "B1", f"B1, {_losses.get(loss).delta_note(g)}"
    return hidden_delta(l, activations[l - 1]), "B2", "B2"


def dW(l):
    """B3: dW[l] = dZ[l] A[l-1]^T, the whole equation."""
    return rf"\mathrm{{d}}W^{{[{l}]}} = {dZ(l)}\,A^{{[{l - 1}]\top}}"


def db(l):
    """B4: db[l] = dZ[l] 1, the row sums, the whole equation."""
    return rf"\mathrm{{d}}b^{{[{l}]}} = {dZ(l)}\,\mathbf{{1}}\quad\mathrm{{(row\ sums)}}"


def dA(l):
    """dA[l] = W[l+1]^T dZ[l+1], the first half of B2, the whole equation."""
    return rf"\mathrm{{d}}A^{{[{l}]}} = W^{{[{l + 1}]\top}}\,{dZ(l + 1)}"
