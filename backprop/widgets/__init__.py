"""Interactive training: a live widget (needs a kernel) and two precomputed ones (static pages).

- :func:`live_trainer` retrains a network whenever a slider moves and redraws
  a :class:`TrainingFigure` while it trains; on the book's static pages it
  shows its first picture and where to run it.
- :func:`static_explorer` trains every point of a (learning rate x hidden
  units) or (learning rate x epochs) grid in advance and stores one PNG frame
  per point; sliders ``jslink``-ed to a deck of frames (a ``widgets.Tab``
  without its tab bar) pick the frame in the browser, so it works where no
  kernel runs.
- :func:`training_player` stores frames of one run at epoch counts from 0 to
  the end; a Play button steps through them, also without a kernel.
- :func:`playground` builds and trains any small network on a chosen data
  set or your own, and shows the cost, the boundary or fit, each layer's
  gradient size and its current dZ next to the equation that made it; it
  prints the one line of Python that recreates its configuration.
- :func:`static_playground` is its precomputed form for static pages: data
  set x depth x learning rate, with a Play button over the epochs.
- :func:`backward_player` steps through one example's backward pass node by
  node on its computational graph with numbers (chapter 9), also without a kernel.

The figures are rendered to PNG into ``ipywidgets.Image``, so they need
neither ipympl nor a browser-side plotting library.  Every widget trains
through one recorder, :func:`backprop.runs.record` (its :class:`~backprop.runs.Run`
holds the costs, the snapshots, the gradient sizes and the verdict);
``frame_epochs`` is :func:`backprop.runs.frame_epochs`.
"""

from ..runs import frame_epochs
from .backward_player import BackwardPlayer, backward_player
from .explorer import StaticExplorer, static_explorer
from .figure import PlaygroundFigure, TrainingFigure
from .live import LiveTrainer, live_trainer
from .pieces import binder_url
from .player import TrainingPlayer, training_player
from .playground import Playground, playground
from .static_playground import StaticPlayground, static_playground

__all__ = [
    "BackwardPlayer",
    "LiveTrainer",
    "Playground",
    "PlaygroundFigure",
    "StaticExplorer",
    "StaticPlayground",
    "TrainingFigure",
    "TrainingPlayer",
    "backward_player",
    "binder_url",
    "frame_epochs",
    "live_trainer",
    "playground",
    "static_explorer",
    "static_playground",
    "training_player",
]

# The public objects are documented (and shown in reprs and help) as backprop.widgets.X,
# where readers import them from, not under the module that happens to define them.
for _obj in (BackwardPlayer, LiveTrainer, Playground, PlaygroundFigure, StaticExplorer,
             StaticPlayground, TrainingFigure, TrainingPlayer, backward_player, binder_url,
             live_trainer, playground, static_explorer, static_playground, training_player):
    _obj.__module__ = __name__
del _obj
