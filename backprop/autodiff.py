"""Reverse mode on a graph of scalars: the engine of chapter 9.

Every :class:`Var` is a node of the computational graph.  It holds its value v
from the forward pass and, after ``J.backward()``, its *adjoint*
v̄ = ∂J/∂v.  Every operation that makes a node records the nodes it was made
from, its *parents* u, each with the local derivative ∂v/∂u.  The backward pass
visits the nodes in reverse topological order (every node after all the nodes
that use it) and passes each node's adjoint to its parents by the chain rule::

    ū += v̄ · ∂v/∂u

The ``+=`` is the fork rule: a value used twice (a fork in the graph) receives
the sum of the adjoints of both uses.  B1 to B4 are this loop for a network,
grouped by layer (chapter 9).

>>> x = Var(3.0)
>>> f = x * x          # x is used twice: a fork
>>> f.backward()
>>> x.adjoint          # 3 + 3 = 2x
6.0
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["Var", "cost_graph", "gradients"]


def _number(x, what):
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number or a Var, got {type(x).__name__} {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{what} must be finite, got {x}")
    return x


class Var:
    """A scalar node: ``value`` (forward), ``adjoint`` (∂J/∂value after ``J.backward()``).

    ``parents`` holds ``(u, ∂self/∂u)`` for each node u this one was computed
    from; an input (a ``Var`` made by hand) has none.  ``name`` is only a label.
    """

    __slots__ = ("value", "adjoint", "parents", "op", "name")

    def __init__(self, value, name="", *, parents=(), op=""):
        self.value = _number(value, "a Var's value")
        self.adjoint = 0.0
        self.parents = tuple(parents)
        self.op, self.name = op, name

    def __repr__(self):
        label = f"{self.name}: " if self.name else ""
        return f"Var({label}value={self.value:.6g}, adjoint={self.adjoint:.6g})"

    # ------------------------------------------------ operations, each with its local derivatives
    @staticmethod
    def _of(x):
        return x if isinstance(x, Var) else Var(x)

    def __add__(self, other):
        other = Var._of(other)
        return Var(self.value + other.value, parents=((self, 1.0), (other, 1.0)), op="+")

    def __mul__(self, other):
        other = Var._of(other)
        return Var(self.value * other.value,
                   parents=((self, other.value), (other, self.value)),
                   op="*")

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-Var._of(other))

    def __truediv__(self, other):
        other = Var._of(other)
        if other.value == 0.0:
            raise ZeroDivisionError("division of a Var by zero")
        return self * other ** -1

    def __pow__(self, p):
        if isinstance(p, Var):  # u^p = e^{p log u}, for u > 0
            return (p * self.log()).exp()
        p = _number(p, "the exponent")
        if p == 0.0:
            return Var(1.0, parents=((self, 0.0),), op="**0")
        if self.value == 0.0 and p < 1.0:
            raise ZeroDivisionError(f"0 ** {p:g}: the derivative p u^(p-1) is infinite at u = 0")
        if self.value < 0.0 and not p.is_integer():
            raise ValueError(f"({self.value:g}) ** {p:g}: a negative number to a non-integer power")
        return Var(self.value ** p, parents=((self, p * self.value ** (p - 1.0)),), op=f"**{p:g}")

    def __radd__(self, other):
        return Var._of(other) + self

    def __rsub__(self, other):
        return Var._of(other) - self

    def __rmul__(self, other):
        return Var._of(other) * self

    def __rtruediv__(self, other):
        return Var._of(other) / self

    def __rpow__(self, other):
        return Var._of(other) ** self

    def exp(self):
        if self.value > 709.0:
            raise OverflowError(f"exp({self.value:g}) overflows a float (the limit is about 709.78)")
        e = math.exp(self.value)
        return Var(e, parents=((self, e),), op="exp")  # (e^u)' = e^u

    def log(self):
        if self.value <= 0.0:
            raise ValueError(f"log({self.value:g}): the logarithm needs a positive value")
        return Var(math.log(self.value), parents=((self, 1.0 / self.value),), op="log")

    def sigmoid(self):
        u = self.value  # two forms, so that e^{-u} or e^{u} never overflows
        s = 1.0 / (1.0 + math.exp(-u)) if u >= 0 else math.exp(u) / (1.0 + math.exp(u))
        return Var(s, parents=((self, s * (1.0 - s)),), op="sigmoid")  # σ' = σ(1 - σ)

    def relu(self):
        on = self.value > 0.0  # ReLU'(0) = 0, as in the book
        return Var(self.value if on else 0.0, parents=((self, 1.0 if on else 0.0),), op="relu")

    def tanh(self):
        t = math.tanh(self.value)
        return Var(t, parents=((self, 1.0 - t * t),), op="tanh")  # tanh' = 1 - tanh^2

    # ------------------------------------------------------------------- the backward pass
    def topological_order(self):
        """Every node this one depends on, each after all of its parents; ``self`` last."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # depth first, without recursion (graphs of networks are deep)
            v, parents_done = stack.pop()
            if parents_done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((u, False) for u, _ in v.parents if id(u) not in seen)
        return order

    def backward_steps(self):
        """backward(), one node at a time: yields each node once it has
        passed its adjoint on to its parents."""
        order = self.topological_order()
        for v in order:  # reset, so that a second backward() gives the same
            v.adjoint = 0.0  # adjoints, not more
        self.adjoint = 1.0  # dJ/dJ
        for v in reversed(order):  # each node after all nodes that use it
            for u, local in v.parents:
                u.adjoint += v.adjoint * local  # chain rule; += at a fork
            yield v

    def backward(self):
        """Set the adjoint of every node self depends on to ∂self/∂node: reset them to 0, own to 1,
        then propagate."""
        for _ in self.backward_steps():
            pass


def gradients(W, b):
    """The adjoints of the parameter nodes of :func:`cost_graph` as ``(dWs, dbs)``,
    shaped like ``net.gradients``: ``dWs[l - 1]`` (n_l, n_{l-1}), ``dbs[l - 1]`` (n_l, 1)."""
    dWs = [np.array([[w.adjoint for w in row] for row in Wl]) for Wl in W]
    dbs = [np.array([[bj.adjoint] for bj in bl]) for bl in b]
    return dWs, dbs


def cost_graph(weights, biases, activations, loss, X, y, nodes=None):
    """The cost J of a network as a graph of :class:`Var`, one node per scalar operation.

    Written as the book's forward pass (F1, F2, C), example by example, with
    ``weights[l - 1]`` = W[l] and ``biases[l - 1]`` = b[l] (nested lists or
    arrays) and X of shape (m, n_0).  Returns ``(J, W, b)``, where ``W[l - 1][j][k]``
    and ``b[l - 1][j]`` are the parameters' nodes (0-based, like ``net.weights``).
    A dict ``nodes`` is filled with the first example's named nodes, under the
    keys of ``index`` of :class:`backprop.graph_drawing.GraphDrawing` (indices from 1):
    ``("x", k)``, ``("w", l, j, k)``, ``("b", l, j)``, ``("z", l, j)``,
    ``("a", l, j)`` and ``("L",)``, its loss.
    """
    if loss not in ("bce", "mse", "cross_entropy"):
        raise ValueError(f'loss must be "bce", "mse" or "cross_entropy", got {loss!r}')
    W = [[[Var(w) for w in row] for row in Wl] for Wl in weights]
    b = [[Var(float(bj[0]) if hasattr(bj, "__len__") else bj) for bj in bl] for bl in biases]
    named = {}
    for l, (Wl, bl) in enumerate(zip(W, b), start=1):
        for j, (row, bj) in enumerate(zip(Wl, bl), start=1):
            named[("b", l, j)] = bj
            named.update({("w", l, j, k): w for k, w in enumerate(row, start=1)})
    J, m = 0.0, len(X)
    for i, (x, y_i) in enumerate(zip(X, y)):
        a = [Var(xk) for xk in x]  # a[0] = x, one example
        names = {("x", k): xk for k, xk in enumerate(a, start=1)}
        for l, (Wl, bl, g) in enumerate(zip(W, b, activations), start=1):
            z = [sum((w * ak for w, ak in zip(row, a)), bj) for row, bj in zip(Wl, bl)]  # (F1)
            if g == "softmax":  # (F2) whole: each a_j from every z_k, shifted by max_k z_k
                shift = max(zk.value for zk in z)
                e = [(zk - shift).exp() for zk in z]
                total = sum(e[1:], e[0])
                a = [ej / total for ej in e]
            else:
                a = [zj if g == "identity" else getattr(zj, g)() for zj in z]  # (F2)
            names.update({("z", l, j): zj for j, zj in enumerate(z, start=1)})
            names.update({("a", l, j): aj for j, aj in enumerate(a, start=1)})
        targets = y_i if hasattr(y_i, "__len__") else [y_i]
        if loss == "cross_entropy" and len(targets) == 1:  # a class label 0..K-1: one-hot
            targets = [float(k == int(targets[0])) for k in range(len(a))]
        L_i = 0.0  # the loss of example i, summed over the output units
        for ak, yk in zip(a, targets):
            if loss == "cross_entropy":
                L_i = L_i - yk * ak.log()
            elif loss == "bce":
                L_i = L_i - (yk * ak.log() + (1 - yk) * (1 - ak).log())
            else:
                L_i = L_i + (yk - ak) ** 2
        if i == 0:
            named.update(names)
            named[("L",)] = L_i
        J = J + L_i
    if nodes is not None:
        nodes.update(named)
    return J / m, W, b  # (C) the mean over the m examples
