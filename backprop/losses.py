"""The losses: one object per loss, as the activations are one object per activation.

Each loss knows everything about the output layer that depends on it:

===================  ========================================  =================================  =======
name                 per-example loss 𝓛 (summed over units k)  dZ[L] = dJ/dZ[L]  (equation B1)    output
===================  ========================================  =================================  =======
``"bce"``            -y log a - (1 - y) log(1 - a)             (A - Y) / m                        sigmoid
``"mse"``            (y - a)^2  (not halved)                   2 (A - Y) / m * g'(Z)              any
``"cross_entropy"``  -y log a  (one-hot y, K >= 2 classes)     (A - Y) / m, through the Jacobian  softmax
===================  ========================================  =================================  =======

with a = g(z) the output layer's activation and J = (1/m) sum_i 𝓛_i the cost
(equation C).  Both the fast loop of :class:`~backprop.MLP` and the plain
reference loop (:mod:`backprop.reference`) call these methods, and each loss
also carries its SymPy form (from which :mod:`backprop.symbolic` builds its
expressions) and its TeX (from which every displayed formula is built: the
graphs' labels, the playground's dZ table), so a loss is defined in one
place for all of these.  (Chapter 9's scalar engine, :mod:`backprop.autodiff`,
writes the two losses again as operations on scalars and takes only them.)
Adding a loss is adding one object to ``LOSSES``; the tests
hold its NumPy forms to SymPy's derivatives of its SymPy form.  Its B1 term
(``delta``, ``sympy_delta``, ``tex_delta``) is given the output activation
whole, so it need not be element-wise (softmax with cross-entropy is not).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Loss", "LogLoss", "SquaredError", "CrossEntropy", "LOSSES", "TASKS", "get"]


def _only_zeros_and_ones(Y, need):
    """Raise ``need`` + what else Y holds, unless every entry of Y is 0 or 1."""
    bad = Y[(Y != 0.0) & (Y != 1.0)]
    if bad.size:
        raise ValueError(f"{need}; found {bad.size} other value(s), e.g. {float(bad[0])!r}")


def _softplus_sum(t):
    """sum of softplus(t) = log(1 + e^t), without overflow.

    log1p(e^t) is used while e^t does not overflow (here: t < 700; e^t
    overflows past 709.78); past that the slower np.logaddexp(0, t).
    """
    if t.max() < 700.0:
        return float(np.log1p(np.exp(t)).sum())
    return float(np.logaddexp(0.0, t).sum())


class Loss:
    """A per-example loss 𝓛 and what the output layer needs of it.

    Attributes
    ----------
    name : str
        The name used by ``MLP(..., loss=name)``.
    output : str or None
        The output activation the loss requires (``None``: any).
    default_output : str
        The output activation a widget or playground picks for this loss.
    task : str
        One of ``TASKS``: ``"classification"`` or ``"regression"``.
    title : str
        Its name in words (``"log loss"``), for the widgets and the formulas.
    """

    name = ""
    title = ""  # how the widgets and formulas name it, e.g. "log loss"
    description = ""
    output = None
    default_output = "identity"
    task = "regression"

    def check_output(self, activation):
        """Raise ``ValueError`` unless the output activation suits this loss."""
        if self.output is not None and activation != self.output:
            raise ValueError(
                f"loss={self.name!r}: {self.description} the output layer's activation "
                f"must be {self.output!r}, not {activation!r}"
            )

    def check_units(self, n_L):
        """Raise ``ValueError`` unless the output layer's n_L units suit this loss."""

    def as_targets(self, y, m, n_L):
        """The targets ``y`` (finite floats) as given, before the shape check; a loss
        that takes class labels turns them into one-hot rows (m, n_L) here."""
        return y

    def check_targets(self, Y):
        """Raise ``ValueError`` for targets this loss cannot take (they are finite already)."""

    def cost(self, Z, A, Y):
        """The cost J = (1/m) sum_i 𝓛_i (equation C), from Z[L], A[L] and Y, each (n_L, m)."""
        raise NotImplementedError

    def delta(self, Z, A, Y, g):
        """dZ[L] = dJ/dZ[L] (equation B1), shape (n_L, m); ``g`` is the output activation."""
        raise NotImplementedError

    def predict(self, Z, A):
        """What ``MLP.predict`` returns, from Z[L] and A[L] (each (n_L, m))."""
        return A

    # The same in SymPy, for backprop.symbolic (``sp`` is the sympy module, passed in so
    # that this module needs only NumPy).
    def sympy(self, sp, y, a):
        """The per-example loss 𝓛 of one output unit a and its target y, a SymPy expression."""
        raise NotImplementedError

    def sympy_delta(self, A, Y, m, g_prime):
        """dZ[L] (B1) as a SymPy Matrix from A[L] and Y (n_L, m); ``g_prime()`` gives g'(Z[L])."""
        raise NotImplementedError

    # The same as TeX, for every displayed formula (a, y, A, Z: TeX names).
    def tex_dloss_da(self, a, y):
        """d𝓛/da for one output unit a and its target y."""
        raise NotImplementedError

    def tex_dcost_dA(self, A):
        """dJ/dA[L] = (1/m) d𝓛/da entry by entry, the targets named Y."""
        raise NotImplementedError

    def tex_delta(self, A, Z, g):
        """dZ[L] (B1) from A[L] and Z[L]; ``g`` is the output layer's activation (an ``Activation``)."""
        raise NotImplementedError

    def delta_note(self, g):
        """A few words on B1 for the output activation ``g``, e.g. "log loss with a sigmoid output"."""
        return self.title

    def __repr__(self):
        return f"<loss {self.name!r}>"


class LogLoss(Loss):
    """Binary cross-entropy, 𝓛 = -sum_k [y_k log a_k + (1 - y_k) log(1 - a_k)], with a = sigma(z).

    The cost is computed from the logits z, never from log(a): for y in {0, 1},
    -y log sigma(z) - (1 - y) log(1 - sigma(z)) = softplus((1 - 2y) z), which is
    never negative, has no log(0) and no cancellation.  The output delta is
    a - y per example: the sigmoid's a(1 - a) cancels against dL/da.
    """

    name = "bce"
    title = "log loss"
    description = "the log loss needs probabilities, so"
    output = "sigmoid"
    default_output = "sigmoid"
    task = "classification"

    def check_targets(self, Y):
        _only_zeros_and_ones(Y, "loss='bce' needs labels y in {0, 1}")

    def cost(self, Z, A, Y):
        m = Z.shape[1]
        return _softplus_sum((1.0 - 2.0 * Y) * Z) / m

    def delta(self, Z, A, Y, g):
        m = Z.shape[1]
        return (A - Y) / m  # (B1): dL/da * da/dz = (a - y)/(a(1 - a)) * a(1 - a)

    def predict(self, Z, A):
        return (Z >= 0).astype(int)  # sigma(z) >= 1/2  <=>  z >= 0

    def sympy(self, sp, y, a):
        return -y * sp.log(a) - (1 - y) * sp.log(1 - a)

    def sympy_delta(self, A, Y, m, g_prime):
        return (A - Y) / m  # the sigmoid's g' has cancelled

    def tex_dloss_da(self, a, y):
        return rf"\dfrac{{{a}-{y}}}{{{a}(1-{a})}}"

    def tex_dcost_dA(self, A):
        return rf"\dfrac{{1}}{{m}}\,\dfrac{{{A}-Y}}{{{A}(1-{A})}}"

    def tex_delta(self, A, Z, g):
        return rf"\dfrac{{1}}{{m}}({A}-Y)"  # the sigmoid's g' has cancelled

    def delta_note(self, g):
        return f"{self.title} with a {g.name} output"


class SquaredError(Loss):
    """Squared error, 𝓛 = sum_k (y_k - a_k)^2, not halved (as in chapter 2)."""

    name = "mse"
    title = "squared error"
    description = "the squared error"

    def cost(self, Z, A, Y):
        m = Z.shape[1]
        D = A - Y
        return float(np.vdot(D, D)) / m

    def delta(self, Z, A, Y, g):
        m = Z.shape[1]
        return 2.0 * (A - Y) / m * g.prime(Z)  # (B1): dL/da = 2 (a - y), times g'(z)

    def sympy(self, sp, y, a):
        return (y - a) ** 2

    def sympy_delta(self, A, Y, m, g_prime):
        return (2 * (A - Y) / m).multiply_elementwise(g_prime())

    def tex_dloss_da(self, a, y):
        return f"2({a}-{y})"

    def tex_dcost_dA(self, A):
        return rf"\dfrac{{2}}{{m}}({A}-Y)"

    def tex_delta(self, A, Z, g):
        return rf"\dfrac{{2}}{{m}}({A}-Y)" + g.tex_times_prime(Z)

    def delta_note(self, g):
        if not g.tex_times_prime("Z"):
            return f"{self.title}; the {g.name}'s g' = 1"
        return self.title


class CrossEntropy(Loss):
    """Cross-entropy over K >= 2 classes, 𝓛 = -sum_k y_k log a_k, with a = softmax(z).

    The targets are one-hot rows, or class labels 0..K-1 that :meth:`as_targets`
    turns into one-hot rows.  The cost is computed from the logits, never from
    log(a): with M = max_k z_k and a one-hot y (sum_k y_k = 1)::

        -sum_k y_k log a_k = log sum_j e^{z_j} - sum_k y_k z_k
                           = (M - sum_k y_k z_k)
                             + log1p(sum_{j != argmax} e^{z_j - M})

    where every exponent is <= 0 (no overflow), no log(0) is taken, and both
    terms are >= 0.  B1 goes through the full softmax Jacobian::

        dZ_j = (1/m) sum_k (-y_k / a_k) a_k (delta_kj - a_j) = (a_j - y_j) / m
    """

    name = "cross_entropy"
    title = "cross-entropy"
    description = "the cross-entropy needs a probability for each class, so"
    output = "softmax"
    default_output = "softmax"
    task = "classification"

    def check_units(self, n_L):
        if n_L < 2:
            raise ValueError(
                f"loss='cross_entropy' needs K >= 2 output units, one per class; the output "
                f"layer has {n_L}.  For two classes with one output unit use loss='bce' "
                "with a sigmoid output"
            )

    def as_targets(self, y, m, n_L):
        labels = y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1 and n_L > 1)
        if not labels:
            if y.ndim == 2 and y.shape[0] == m and y.shape[1] != n_L:
                raise ValueError(
                    f"y has one-hot rows of {y.shape[1]} entries, but the output layer has "
                    f"K = {n_L} units, one per class; give rows of {n_L} entries or class "
                    f"labels 0..{n_L - 1} of shape ({m},)"
                )
            return y
        labels = y.reshape(-1)
        if labels.shape[0] != m:
            raise ValueError(
                f"y has {labels.shape[0]} class labels, but X has m = {m} examples; "
                f"y must have shape ({m},) or ({m}, {n_L})"
            )
        bad = np.flatnonzero((labels != np.round(labels)) | (labels < 0) | (labels > n_L - 1))
        if bad.size:
            raise ValueError(
                f"loss='cross_entropy' with K = {n_L} output units needs class labels "
                f"0..{n_L - 1}; found {bad.size} other value(s), e.g. "
                f"{float(labels[bad[0]])!r} at index {int(bad[0])}"
            )
        Y = np.zeros((m, n_L))
        Y[np.arange(m), labels.astype(np.intp)] = 1.0
        return Y

    def check_targets(self, Y):
        _only_zeros_and_ones(Y, "loss='cross_entropy' needs one-hot rows (entries 0 or 1)")
        sums = Y.sum(axis=1)
        off = np.flatnonzero(sums != 1.0)
        if off.size:
            raise ValueError(
                "loss='cross_entropy' needs one-hot rows, each with a single 1; "
                f"row {int(off[0])} sums to {float(sums[off[0]]):g} ({off.size} such row(s))"
            )

    def cost(self, Z, A, Y):
        m = Z.shape[1]
        top = Z.argmax(axis=0)
        cols = np.arange(m)
        M = Z[top, cols]
        E = np.exp(Z - M)  # every exponent <= 0
        E[top, cols] = 0.0  # the sum over j != argmax, without the 1 of e^0
        per_example = (M - np.einsum("km,km->m", Y, Z)) + np.log1p(E.sum(axis=0))
        return float(per_example.sum()) / m

    def delta(self, Z, A, Y, g):
        m = Z.shape[1]
        return (A - Y) / m  # (B1): the full softmax Jacobian times dL/da = -y/a

    def predict(self, Z, A):
        return Z.argmax(axis=0)[np.newaxis, :]  # the most probable class, 0..K-1

    def sympy(self, sp, y, a):
        return -y * sp.log(a)  # one unit's term; the loss sums it over the K units

    def sympy_delta(self, A, Y, m, g_prime):
        return (A - Y) / m  # the softmax Jacobian has collapsed to this

    def tex_dloss_da(self, a, y):
        return rf"-\dfrac{{{y}}}{{{a}}}"

    def tex_dcost_dA(self, A):
        return rf"-\dfrac{{1}}{{m}}\,\dfrac{{Y}}{{{A}}}"

    def tex_delta(self, A, Z, g):
        return rf"\dfrac{{1}}{{m}}({A}-Y)"  # through the full softmax Jacobian

    def delta_note(self, g):
        return f"{self.title} with a {g.name} output (its full Jacobian)"


# One object per loss: adding one is adding it here.
LOSSES = {loss.name: loss for loss in (LogLoss(), SquaredError(), CrossEntropy())}

# What a loss is for: a "classification" draws a decision boundary, a "regression" a curve.
TASKS = ("classification", "regression")


def get(name) -> Loss:
    """The loss called ``name``; a clear error for anything else."""
    if not isinstance(name, str):
        raise TypeError(
            f"loss must be given by name, a str, not {type(name).__name__} ({name!r}); "
            f"valid losses: {', '.join(LOSSES)}"
        )
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; valid losses: {', '.join(LOSSES)}") from None
