"""backprop: a small NumPy neural-network library in the book's notation.

>>> import backprop as bp
>>> net = bp.MLP([2, 16, 16, 1], activations=["relu", "relu", "sigmoid"], loss="bce", seed=0)

``net.trace(X, y)`` gives every layer's Z, A, dZ, dW and db, computed by the
plain loop of :mod:`backprop.reference`; :mod:`backprop.losses` and
:mod:`backprop.activations` hold the losses and activations (each in NumPy,
SymPy and TeX), :mod:`backprop.graph` a network's computational graph as
data, :mod:`backprop.runs` the recorder of training runs that the widgets
use.  ``import backprop`` needs only NumPy (backprop/README.md draws the
floors of the package).  The submodules :mod:`backprop.plotting`
(matplotlib), :mod:`backprop.widgets` (ipywidgets) and :mod:`backprop.symbolic`
(SymPy) load their libraries when first used, as ``bp.plotting`` and so on.
"""

import importlib

from . import activations, autodiff, datasets, equations, graph, init, losses, reference, runs
from .activations import ACTIVATIONS, sigmoid
from .gradcheck import gradient_check, numerical_gradients, relative_error
from .network import MLP, History, TrainingDiverged
from .reference import LayerTrace, Trace

LOSSES = tuple(losses.LOSSES)  # the loss names; the loss objects are bp.losses.LOSSES

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "History",
    "TrainingDiverged",
    "Trace",
    "LayerTrace",
    "gradient_check",
    "numerical_gradients",
    "relative_error",
    "sigmoid",
    "ACTIVATIONS",
    "LOSSES",
    "activations",
    "autodiff",
    "datasets",
    "equations",
    "graph",
    "init",
    "losses",
    "reference",
    "runs",
    "plotting",
    "symbolic",
    "widgets",
]

_LAZY = ("plotting", "symbolic", "widgets")


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'backprop' has no attribute {name!r}")
