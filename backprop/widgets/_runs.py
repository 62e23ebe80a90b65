"""What the three widgets share: checked settings, one training run, its verdict, its frames."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .. import losses
from ..network import MLP, TrainingDiverged
from ..validation import as_float_array, check_positive_int, check_X, check_y
from .figure import CSS_DPI, FRAME_DPI, TrainingFigure

WIDE = {"description_width": "initial"}
# The sliders of the precomputed widgets show no readout: a SelectionSlider's readout is
# editable text that does nothing when typed into (a dead control on the site); each
# frame's title states the values instead.

# The verdict of a run (see :func:`verdict`).
CONVERGED, NOT_CONVERGED, DIVERGED = "converged", "did not converge", "diverged"
SETTLED_RTOL = 0.01  # "converged": J moved by less than 1% over the last tenth of the epochs
COLORS = {CONVERGED: "#1b5e20", NOT_CONVERGED: "#8a4b00", DIVERGED: "#b00000"}

FRAME_COLORS = 32  # palette size of stored frames: small files, smooth enough fields


def setup(X, y, loss, output, problem):
    """Checked ``(X, y, output, problem)``; the problem and the output follow from the loss."""
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (m, n_0), one example per row; got {X.shape}")
    X = check_X(X, X.shape[1])
    spec = losses.get(loss)
    if problem is None:
        problem = spec.task
    if problem not in TrainingFigure.PROBLEMS:
        raise ValueError(
            f"problem must be 'classification' or 'regression' (or None), got {problem!r}"
        )
    n_0 = 2 if problem == "classification" else 1
    if X.shape[1] != n_0:
        shown = "a decision boundary in the plane" if n_0 == 2 else "a curve y(x)"
        raise ValueError(
            f"the {problem} widget draws {shown}, so X must have {n_0} feature(s); "
            f"got X with shape {X.shape}"
        )
    if output is None:
        output = spec.default_output
    y = check_y(y, X.shape[0], 1, loss)[:, 0]
    return X, y, output, problem


def hidden_tuple(hidden, max_hidden=None):
    if isinstance(hidden, numbers.Integral):
        hidden = (hidden,)
    if isinstance(hidden, str) or not hasattr(hidden, "__len__"):
        raise TypeError(f"hidden must be a tuple of layer sizes, e.g. (16,) or (), not {hidden!r}")
    hidden = tuple(check_positive_int(n, "a hidden layer size") for n in hidden)
    if max_hidden is not None and any(n > max_hidden for n in hidden):
        raise ValueError(f"hidden layer sizes {hidden} exceed max_hidden = {max_hidden}")
    return hidden


def network(n_0, hidden, activation, output, loss, seed):
    """``MLP([n_0, *hidden, 1], [activation] * len(hidden) + [output], loss, seed)``."""
    return MLP([n_0, *hidden, 1], [activation] * len(hidden) + [output], loss=loss, seed=seed)


def describe(hidden):
    return "no hidden layer" if not hidden else f"hidden {list(hidden)}"


def epochs_text(n):
    return "1 epoch" if n == 1 else f"{n} epochs"


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
      (J after the last update > J before the first one);
    - converged: not diverged, and over the last tenth of the epochs (at
      least the last two) J stayed within 1% (``SETTLED_RTOL``) of its
      smallest value there: training has settled;
    - did not converge: anything else (J still falling, or oscillating).
    """
    if not math.isfinite(J) or (len(losses) and J > losses[0]):
        return DIVERGED
    w = max(2, len(losses) // 10)
    window = np.append(losses[-w:], J) if len(losses) >= w else None
    if window is not None and window.max() - window.min() <= SETTLED_RTOL * window.min():
        return CONVERGED
    return NOT_CONVERGED


@dataclass
class Run:
    """The network after ``epochs`` epochs of one run, its costs and its verdict.

    ``net`` is None if J became infinite before that; ``losses`` is J before
    each update (the finite part); ``J`` is the cost after the last update
    (inf if not finite); ``diverged_at`` the epoch where J became infinite.
    """

    net: MLP | None
    epochs: int
    losses: np.ndarray
    J: float
    diverged_at: int | None = None

    @property
    def verdict(self):
        return verdict(self.losses, self.J)

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


def train_snapshots(X, y, net, lr, epochs_list):
    """Train ``net`` once for max(epochs_list) epochs; a :class:`Run` after each listed count.

    Full-batch gradient descent is deterministic, so the snapshot after e
    epochs is exactly the network ``fit(epochs=e)`` would give.  A count of 0
    is the untrained network.
    """
    wanted, snaps = set(epochs_list), {}
    if 0 in wanted:
        snaps[0] = net.copy()

    def callback(epoch, net, J):
        if epoch + 1 in wanted:
            snaps[epoch + 1] = net.copy()

    last = max(epochs_list)
    try:
        losses = net.fit(X, y, lr=lr, epochs=last, callback=callback).losses if last else []
        at = None
    except TrainingDiverged as e:
        losses, at = e.history.losses, e.epoch
    losses = np.asarray(losses, dtype=float)
    runs = {}
    for e in epochs_list:
        if e not in snaps:  # J became infinite at epoch ``at`` < e
            runs[e] = Run(None, e, losses, math.inf, at)
            continue
        J = cost_after(snaps[e], X, y)
        runs[e] = Run(snaps[e], e, losses[:e], J, None if math.isfinite(J) else e)
    return runs


def frame_figure(X, y, problem):
    """A figure for stored frames: the text column's width, rendered at 2x."""
    return TrainingFigure(X, y, problem=problem, dpi=FRAME_DPI)


def draw_frame(fig, run, label, x_max, with_verdict=True):
    """One stored frame: PNG bytes of ``run`` drawn on ``fig`` with the title ``label: ...``."""
    title = f"{label}: {run.summary(with_verdict)}"
    if run.diverged_at is None:
        # J at epochs 0, 1, ..., e: the curve ends at the title's J (after the last update),
        # and the frame of epoch 0 shows its one point.
        fig.update(run.net, np.append(run.losses, run.J), epochs=x_max, title=title)
    else:
        fig.update(None, run.losses, epochs=x_max, title=title,
                   message=f"diverged at epoch {run.diverged_at}\ntry a smaller learning rate")
    return fig.to_png(compress_level=9, colors=FRAME_COLORS)


def frame_image(png, fig):
    """An ``ipywidgets.Image`` of a stored frame, shown at its CSS size (half its pixels)."""
    import ipywidgets as widgets

    w_in = fig.fig.get_figwidth()
    return widgets.Image(value=png, format="png",
                         layout=widgets.Layout(width="100%", max_width=f"{round(w_in * CSS_DPI)}px",
                                               height="auto"))


# Frames are shown by a ``widgets.Tab`` whose tab bar is hidden, not by a ``widgets.Stack``:
# a StackView removes the view of the frame it hides and creates one for the frame it
# shows, and when a slider moves again before the new view is ready, the HTML manager
# posts a resize message to the view it has just removed ("TypeError: Cannot read
# properties of null (reading 'processLuminoMessage')").  A TabView creates every
# frame's view once and only switches which one is visible.
DECK_CLASS = "bp-frames"
_DECK_CSS = (f"<style>.{DECK_CLASS} > .lm-TabBar {{display: none !important}} "
             f".{DECK_CLASS} > .widget-tab-contents {{border: none !important; "
             f"padding: 0 !important; background: none !important}}</style>")


def deck(children, selected_index):
    """The frames (or decks of frames) in a Tab without its tab bar; one shown at a time."""
    import ipywidgets as widgets

    tab = widgets.Tab(list(children), selected_index=selected_index)
    tab.add_class(DECK_CLASS)
    return tab


def deck_style():
    """An invisible HTML widget whose <style> hides the decks' tab bars (site and Jupyter)."""
    import ipywidgets as widgets

    return widgets.HTML(_DECK_CSS, layout=widgets.Layout(display="none"))
