"""One training run, recorded: J per epoch, chosen snapshots, gradient sizes and its verdict.

Every widget trains through :func:`record` (the live trainer, the explorer,
the player, the live and the static playground), so "train, catch
divergence, take the cost after the last update, judge the run" is written
once, here, and its result is one :class:`Run`.  Needs only NumPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .network import MLP, TrainingDiverged
from .validation import check_positive_int

__all__ = ["Run", "record", "verdict", "cost_after", "gradient_sizes", "frame_epochs",
           "record_epochs", "CONVERGED", "NOT_CONVERGED", "DIVERGED", "SETTLED_RTOL", "ROSE_RTOL"]

# The verdict of a run (see :func:`verdict`).
CONVERGED, NOT_CONVERGED, DIVERGED = "converged", "did not converge", "diverged"
SETTLED_RTOL = 0.01  # "converged": J moved by less than 1% over the last tenth of the epochs
ROSE_RTOL = 1e-9  # a rise of J smaller than this (relative) is rounding, not divergence


def cost_after(net, X, y):
    """J of the network as it is now (after its last update); inf if not finite."""
    with np.errstate(all="ignore"):
        J = net.cost(X, y)
    return J if math.isfinite(J) else math.inf


def verdict(losses, J):
    """``"converged"``, ``"did not converge"`` or ``"diverged"`` for one run.

    ``losses`` holds J at the start of each epoch (before its update) and
    ``J`` the cost after the last update.

    - diverged: J became infinite or NaN, or it ended above where it started
      by more than rounding (J after the last update > J before the first one
      times 1 + ``ROSE_RTOL``: a J that stays flat, as with all weights zero,
      may end an ulp above its start);
    - converged: not diverged, and over the last tenth of the epochs (at
      least the last two) J stayed within 1% (``SETTLED_RTOL``) of its
      smallest value there: training has settled;
    - did not converge: anything else (J still falling, or oscillating).
    """
    if not math.isfinite(J) or (len(losses) and J > losses[0] * (1 + ROSE_RTOL)):
        return DIVERGED
    w = max(2, len(losses) // 10)
    window = np.append(losses[-w:], J) if len(losses) >= w else None
    if window is not None and window.max() - window.min() <= SETTLED_RTOL * window.min():
        return CONVERGED
    return NOT_CONVERGED


def gradient_sizes(net, X, y):
    """The Frobenius norm of dW[l] for l = 1..L, from ``net.trace(X, y)``."""
    with np.errstate(all="ignore"):
        trace = net.trace(X, y)
    return np.array([np.linalg.norm(trace[l].dW) for l in range(1, len(trace) + 1)])


def epochs_text(n):
    return "1 epoch" if n == 1 else f"{n} epochs"


@dataclass
class Run:
    """One training run: the network, its costs, its snapshots, its gradient sizes, its verdict.

    Attributes
    ----------
    net : MLP or None
        The network after ``epochs`` epochs; None if J became infinite.
    epochs : int
        The epochs asked for.
    losses : np.ndarray
        J at the start of each epoch, before its update (the finite part if
        it diverged).
    J : float
        J after the last update (``math.inf`` if not finite).
    diverged_at : int or None
        The epoch where J became infinite.
    nets, costs : dict
        ``nets[e]`` is a copy of the network after e epochs and ``costs[e]``
        its J, for the epoch counts :func:`record` was asked to keep.
    grad_epochs, grad_sizes : np.ndarray
        ``grad_sizes[k, l - 1]`` is ||dW[l]|| (from ``net.trace``) after
        ``grad_epochs[k]`` epochs, for the counts asked (finite ones only).
    test_losses : np.ndarray or None
        With held-out data (``record(..., test=(X, y))``): the cost on it at
        the start of each epoch, as ``losses`` for the training data (the
        network never trains on it); None without.
    test_J : float or None
        The cost on the held-out data after the last update (``math.inf``
        if not finite); None without held-out data.
    """

    net: MLP | None
    epochs: int
    losses: np.ndarray
    J: float
    diverged_at: int | None = None
    nets: dict = field(default_factory=dict)
    costs: dict = field(default_factory=dict)
    grad_epochs: np.ndarray = field(default_factory=lambda: np.empty(0))
    grad_sizes: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    test_losses: np.ndarray | None = None
    test_J: float | None = None

    @property
    def verdict(self):
        """``"converged"``, ``"did not converge"`` or ``"diverged"`` (see :func:`verdict`)."""
        if self.diverged_at is not None:
            return DIVERGED
        return verdict(self.losses, self.J)

    def losses_until(self, e):
        """J at epochs 0..e: J before each of the first e updates, then J after the e-th."""
        if e == len(self.losses) and self.diverged_at is None:
            return np.append(self.losses, self.J)
        return self.losses[: e + 1]

    def test_losses_until(self, e):
        """The held-out cost at epochs 0..e, as :meth:`losses_until` (None without held-out data)."""
        if self.test_losses is None:
            return None
        if e == len(self.test_losses) and self.diverged_at is None:
            return np.append(self.test_losses, self.test_J)
        return self.test_losses[: e + 1]

    def at(self, e):
        """The run as it stood after ``e`` epochs, a :class:`Run` (``e`` kept, or past divergence)."""
        if e not in self.nets:
            if self.diverged_at is None or e <= self.diverged_at:
                raise KeyError(f"no snapshot after {e} epochs was kept; kept: {sorted(self.nets)}")
            return Run(None, e, self.losses, math.inf, self.diverged_at,
                       test_losses=self.test_losses,
                       test_J=None if self.test_losses is None else math.inf)
        J = self.costs[e]
        test, test_J = None, None
        if self.test_losses is not None:
            test = self.test_losses[:e]
            test_J = self.test_losses[e] if e < len(self.test_losses) else self.test_J
        return Run(self.nets[e], e, self.losses[:e], J, None if math.isfinite(J) else e,
                   test_losses=test, test_J=test_J)

    def summary(self, with_verdict=True):
        """One line for a title or a status: J after the last update (and the verdict)."""
        if self.diverged_at is not None:
            return f"diverged at epoch {self.diverged_at} (J infinite)"
        if self.epochs == 0:
            return f"J = {self.J:.3g} before training"
        text = f"J = {self.J:.3g} after {epochs_text(self.epochs)}"
        if with_verdict:
            v = self.verdict
            text += f": {v}"
            if v == DIVERGED:  # finite, but above the start
                text += f" (J started at {self.losses[0]:.3g})"
        return text


def record(net, X, y, lr, epochs, *, batch_size=None, keep=(), records=(), progress=None,
           test=None):
    """Train ``net`` in place with ``fit`` for ``epochs`` epochs and record the run; a :class:`Run`.

    ``keep``: epoch counts after which a copy of the network and its J are
    kept (0 is the untrained network); full-batch descent is deterministic,
    so the copy after e epochs is exactly the network ``fit(epochs=e)``
    gives.  ``records``: epoch counts where the gradient sizes ||dW[l]|| are
    taken.  ``progress(so_far)``, if given, is called after every epoch;
    ``so_far()`` returns the run until then (a :class:`Run` whose ``net`` is
    the network being trained), computed only when called.

    ``test=(X_test, y_test)``: held-out data the network does not train on;
    its cost is taken before the first update and after every epoch
    (``Run.test_losses``, ``Run.test_J``).

    Divergence is caught here: a J that becomes infinite ends the run with
    ``diverged_at`` set, ``net`` None and ``J`` inf, and never raises.
    """
    X = np.asarray(X, dtype=float)
    tested = []  # the held-out cost after 0, 1, 2, ... epochs
    if test is not None:
        if not isinstance(test, tuple) or len(test) != 2:
            raise ValueError("test must be a pair (X_test, y_test) of held-out data")
        X_test, y_test = np.asarray(test[0], dtype=float), test[1]
        net.cost(X_test, y_test)  # bad held-out data: the network's clear error, before training
        tested.append(cost_after(net, X_test, y_test))
    L = net.L
    want_rec, want_net = set(records), set(keep)
    rec_e, rec_g, nets, costs = [], [], {}, {}

    def note(e, net):
        if e in want_rec:
            sizes = gradient_sizes(net, X, y)
            if np.isfinite(sizes).all():
                rec_e.append(e)
                rec_g.append(sizes)
        if e in want_net:
            nets[e] = net.copy()
            costs[e] = cost_after(net, X, y)

    def grads():
        return np.array(rec_e, dtype=float), np.array(rec_g) if rec_g else np.empty((0, L))

    note(0, net)
    seen = np.empty(epochs)

    def held_out(e):
        if test is None:
            return {}
        return {"test_losses": np.array(tested[:e]), "test_J": tested[e]}

    def callback(epoch, net, J):
        seen[epoch] = J
        if test is not None:
            tested.append(cost_after(net, X_test, y_test))
        note(epoch + 1, net)
        if progress is not None:
            progress(lambda: Run(net, epoch + 1, seen[: epoch + 1].copy(), cost_after(net, X, y),
                                 None, {}, {}, *grads(), **held_out(epoch + 1)))

    losses, at = np.empty(0), None
    if epochs:
        try:
            losses = net.fit(X, y, lr=lr, epochs=epochs, batch_size=batch_size,
                             callback=callback).losses
        except TrainingDiverged as e:
            losses, at = e.history.losses, e.epoch
    J = math.inf if at is not None else cost_after(net, X, y)
    if at is None and not math.isfinite(J):  # the last update blew up
        at = epochs
    held = {}
    if test is not None:
        n = len(losses)
        held = {"test_losses": np.array(tested[:n]),
                "test_J": math.inf if at is not None else tested[n]}
    return Run(net if at is None else None, epochs, np.asarray(losses, dtype=float), J, at,
               nets, costs, *grads(), **held)


def frame_epochs(epochs, frames):
    """``frames`` distinct epoch counts from 0 to ``epochs``, spaced about geometrically.

    The early epochs, where the picture changes fastest, get most frames:
    each count is about the same factor above the previous one (at least one
    more), and the last is ``epochs``.  With ``frames > epochs + 1`` every
    epoch count is shown.
    """
    epochs = check_positive_int(epochs, "epochs")
    frames = check_positive_int(frames, "frames")
    if frames < 2:
        raise ValueError(f"frames must be at least 2 (the start and the end), got {frames}")
    if frames > epochs + 1:
        return list(range(epochs + 1))
    counts = [0]
    for left in range(frames - 1, 0, -1):  # frames still to place, this one included
        last = counts[-1]
        # the same factor from here to the end for the remaining frames, at least +1
        nxt = round(max(last, 1) * (epochs / max(last, 1)) ** (1 / left))
        nxt = max(nxt, last + 1)
        counts.append(min(nxt, epochs - (left - 1)))
    return counts


def record_epochs(epochs, count=40):
    """About ``count`` epoch counts from 0 to ``epochs``, evenly spaced (the gradient records)."""
    return sorted(set(np.linspace(0, epochs, min(count, epochs + 1)).round().astype(int).tolist()))
