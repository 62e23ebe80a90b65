"""The playground's settings: what a reader typed, parsed and checked.

A playground's settings are a :class:`Settings`; :func:`check_settings` turns
whatever a reader typed (``"8, 8"``, ``"relu"``, ``"all"``) into a
:class:`Checked` configuration or raises a ``ValueError`` whose message the
widget shows; :func:`config_line` writes a checked configuration back as the
one line of Python that recreates it.  Nothing here draws or trains.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .. import activations as _activations
from .. import datasets
from .. import losses as _losses
from ..init import check_init
from ..network import MLP
from ..validation import (
    as_float_array,
    check_learning_rate,
    check_positive_int,
    check_X,
)

__all__ = ["Settings", "Checked", "DEFAULTS", "DATASETS", "SPLITS", "check_settings",
           "check_data", "classes_of", "config_line", "data_set", "default_loss",
           "parse_activations", "parse_batch_size", "parse_hidden", "problem_of", "test_mask"]

# The playground's data sets: name -> (X, y).  The 1-D curve is a regression;
# spirals3 and blobs3 have three classes (the website's playground has the same).
DATASETS = {
    "moons": lambda: datasets.moons(200, noise=0.2, seed=0),
    "circles": lambda: datasets.circles(200, noise=0.1, seed=0),
    "xor": lambda: datasets.xor(200, noise=0.3, seed=0),
    "spirals": lambda: datasets.spirals(200, noise=0.05, seed=0),
    "blobs": lambda: datasets.blobs(200, separation=3.0, noise=1.0, seed=0),
    "spirals3": lambda: datasets.spirals(300, noise=0.05, seed=0, classes=3),
    "blobs3": lambda: datasets.blobs(300, separation=3.0, noise=1.0, seed=0, classes=3),
    "curve": lambda: datasets.regression_curve(100, noise=0.1, seed=0),
}


def data_set(name):
    """``(X, y)`` of the playground's data set ``name`` (see ``DATASETS``)."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; the playground has {', '.join(DATASETS)}")
    return DATASETS[name]()


# The test shares the playground offers, in percent, and k of the rule "point i is a test
# point when i % k == k - 1" (the website's rule).
SPLITS = {0: None, 20: 5, 50: 2}


def test_mask(m, split):
    """Which of m points are held out for a test share of ``split`` percent (0, 20 or 50).

    With k = 5 (20%) or k = 2 (50%), point i is a test point when
    i % k == k - 1; the network trains on the others.  No point for 0.
    """
    if isinstance(split, bool) or split not in SPLITS:
        raise ValueError(f"test points: the share must be 0, 20 or 50 (percent), got {split!r}")
    k = SPLITS[split]
    i = np.arange(m)
    return np.zeros(m, dtype=bool) if k is None else i % k == k - 1


def classes_of(y, problem):
    """K, the number of classes of labels 0..K-1 (at least 2); None for a curve."""
    if problem != "classification":
        return None
    return max(2, int(np.max(y)) + 1)


@dataclass(frozen=True)
class Settings:
    """One configuration of the playground; ``None`` means "the default for the data"."""

    data: str | None = "moons"
    hidden: tuple = (8, 8)
    activations: tuple | str = "relu"
    output: str | None = None
    loss: str | None = None
    lr: float = 0.5
    epochs: int = 300
    batch_size: int | None = None
    seed: int = 0
    init: str | tuple = "auto"
    split: int = 0


DEFAULTS = Settings()


def parse_hidden(text):
    """``"8, 8"`` -> (8, 8); ``""`` -> () (no hidden layer); a readable error otherwise."""
    if isinstance(text, numbers.Integral) and not isinstance(text, bool):
        text = (text,)
    if not isinstance(text, str):
        if isinstance(text, (bytes, bool)) or not hasattr(text, "__len__"):
            raise ValueError(f"hidden layer sizes: give a tuple such as (8, 8), not {text!r}")
        sizes = tuple(text)
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral):
                raise ValueError(f"hidden layer sizes must be whole numbers, got {n!r} in {sizes}")
    else:
        items = [s.strip() for s in text.strip().strip("()[]").split(",")]
        if items == [""]:
            return ()
        if items[-1] == "" and len(items) > 1:  # "8, 8," is fine
            items = items[:-1]
        for k, s in enumerate(items, 1):
            if s == "":
                raise ValueError(
                    f"hidden layer sizes {text!r}: layer {k} is empty; write the sizes separated "
                    "by commas, e.g. 8, 8 (leave the box empty for no hidden layer)")
            if not s.lstrip("+-").isdigit():
                raise ValueError(
                    f"hidden layer sizes {text!r}: {s!r} is not a whole number; write the sizes "
                    "separated by commas, e.g. 8, 8")
        sizes = tuple(int(s) for s in items)
    for k, n in enumerate(sizes, 1):
        if n < 1:
            raise ValueError(f"hidden layer {k} has {n} units; a layer needs at least 1 unit")
        if n > 256:
            raise ValueError(f"hidden layer {k} has {n} units; the playground allows at most 256")
    if len(sizes) > 8:
        raise ValueError(f"{len(sizes)} hidden layers; the playground allows at most 8")
    return sizes


def parse_activations(value, n_hidden):
    """One activation name per hidden layer, from ``"relu"`` (all) or ``"relu, tanh"``."""
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [str(n).strip() for n in names]
    if n_hidden == 0:
        return ()
    if len(names) == 1:
        names = names * n_hidden
    if len(names) != n_hidden:
        raise ValueError(
            f"activations: {len(names)} names for {n_hidden} hidden layer(s); give one name for "
            "all of them or one per hidden layer, e.g. relu, tanh")
    for k, n in enumerate(names, 1):
        if n not in _activations.ACTIVATIONS:  # looked up now: a new activation is one entry there
            raise ValueError(f"activation of hidden layer {k}: unknown {n!r}; choose from "
                             f"{', '.join(_activations.ACTIVATIONS)}")
    return tuple(names)


def parse_batch_size(value, m):
    """``None``, ``""`` or ``"all"`` -> None (full batch); else a whole number 1..m."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "all", "none")):
        return None
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValueError(f"batch size {value!r}: write a whole number, or 'all' for full batch")
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"batch size must be a whole number or 'all', got {value!r}")
    if value < 1:
        raise ValueError(f"batch size must be at least 1, got {value}")
    if value > m:
        raise ValueError(f"batch size {value} is larger than the m = {m} examples; "
                         f"use at most {m} ('all' is full batch)")
    return int(value)


def problem_of(X):
    """``"classification"`` for points in the plane (two features), ``"regression"`` for a curve."""
    return "classification" if X.shape[1] == 2 else "regression"


def check_data(X, y):
    """Checked reader's data: X (m, 2) with labels y in {0, 1}, or X (m, 1) with numbers y."""
    X = as_float_array(X, "X")
    if X.ndim == 1:
        raise ValueError(f"X must be 2-D, one example per row: shape (m, 2) for points in the "
                         f"plane or (m, 1) for a curve; got shape {X.shape} (use X.reshape(-1, 1) "
                         "for one feature)")
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(f"the playground draws points in the plane (X of shape (m, 2)) or a curve "
                         f"y(x) (X of shape (m, 1)); got X with shape {X.shape}")
    X = check_X(X, X.shape[1])
    y = as_float_array(y, "y")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have one target per row of X, shape ({X.shape[0]},); "
                         f"got shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinite values")
    if X.shape[1] == 2:
        bad = y[(y != 0) & (y != 1)]
        if bad.size:
            raise ValueError(f"X has two features, so the playground draws a decision boundary and "
                             f"needs labels y in {{0, 1}}; found {bad.size} other value(s), e.g. "
                             f"{float(bad[0])!r}")
        if X.shape[0] > 1 and y.min() == y.max():
            raise ValueError(f"every label is {y[0]:g}: a boundary needs examples of both classes")
    return X, y


@dataclass(frozen=True)
class Checked:
    """Settings after the checks: what the playground trains."""

    settings: Settings
    hidden: tuple
    activations: tuple
    output: str
    loss: str
    lr: float
    epochs: int
    batch_size: int | None
    seed: int
    problem: str
    init: str | tuple = "auto"
    classes: int | None = None
    split: int = 0

    @property
    def n_L(self):
        """The output layer's units: K (one per class) for a softmax output, else 1."""
        return self.classes if self.output == "softmax" else 1

    def network(self, n_0):
        return MLP([n_0, *self.hidden, self.n_L], [*self.activations, self.output],
                   loss=self.loss, seed=self.seed, init=self.init)


def default_loss(problem, classes=2):
    """The loss the playground picks: the log loss for points of two classes, the
    cross-entropy (softmax output) for more, the squared error for a curve."""
    if problem != "classification":
        return "mse"
    return "bce" if classes in (None, 2) else "cross_entropy"


def check_settings(s, X, y):
    """The settings ``s`` checked against the data; a ``ValueError`` with a readable message."""
    problem = problem_of(X)
    classes = classes_of(y, problem)
    hidden = parse_hidden(s.hidden)
    acts = parse_activations(s.activations, len(hidden))
    loss = default_loss(problem, classes) if s.loss in (None, "") else s.loss
    if loss not in _losses.LOSSES:
        names = ", ".join(f"{k!r} ({v.title})" for k, v in _losses.LOSSES.items())
        raise ValueError(f"unknown loss {loss!r}; choose {names}")
    spec = _losses.get(loss)
    output = spec.default_output if s.output in (None, "") else s.output
    if output not in _activations.ACTIVATIONS:
        raise ValueError(f"unknown output activation {output!r}; choose from "
                         f"{', '.join(_activations.ACTIVATIONS)}")
    if output == "softmax" and problem == "regression":
        raise ValueError("a softmax output gives class probabilities; a curve needs numbers: "
                         "choose an identity output")
    if problem == "classification" and (output == "softmax" or loss == "cross_entropy"):
        try:  # the package's own message for a softmax with another loss, and the reverse
            MLP([X.shape[1], classes], [output], loss=loss)
        except ValueError as e:
            raise ValueError(str(e)) from None
    try:
        spec.check_output(output)
    except ValueError as e:
        if loss != "bce":  # the cross-entropy's message already says what to choose
            raise ValueError(str(e)) from None
        hint = "the log loss takes probabilities, which a sigmoid gives; or choose the squared error"
        raise ValueError(f"{e} ({hint})") from None
    if spec.task == "classification" and problem == "regression":
        labels = "labels 0 and 1" if loss == "bce" else "class labels"
        raise ValueError(f"the {spec.title} needs {labels}, and the curve's targets are "
                         f"numbers: choose the {_losses.get(default_loss(problem)).title} for a curve")
    if classes is not None and classes > 2 and loss != "cross_entropy":
        raise ValueError(f"these data have {classes} classes (labels 0..{classes - 1}): the "
                         f"{spec.title} with one output unit can tell only two apart; choose the "
                         "cross-entropy with a softmax output")
    try:
        lr = check_learning_rate(s.lr)
    except TypeError as e:
        raise ValueError(str(e)) from None
    try:
        epochs = check_positive_int(s.epochs, "epochs")
    except TypeError as e:
        raise ValueError(str(e)) from None
    seed = s.seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"the seed must be a whole number >= 0, got {seed!r}")
    seed = int(seed)
    if epochs > 100_000:
        raise ValueError(f"epochs = {epochs}: the playground trains at most 100000 epochs")
    batch_size = parse_batch_size(s.batch_size, X.shape[0])
    try:
        init = check_init(s.init)
    except TypeError as e:
        raise ValueError(str(e)) from None
    split = s.split
    test_mask(0, split)  # a clear error for a share other than 0, 20 or 50
    if split and batch_size is not None:
        batch_size = parse_batch_size(batch_size, int((~test_mask(X.shape[0], split)).sum()))
    return Checked(s, hidden, acts, output, loss, lr, epochs, batch_size, seed, problem, init,
                   classes, int(split))


def config_line(checked, data=None, own_data=False):
    """One line of Python that recreates the configuration ``checked`` exactly.

    Only the settings that differ from the defaults are written.  ``data``
    is the data set's name; with ``own_data`` the line refers to the
    reader's arrays as ``X`` and ``y``.
    """
    args = ["X=X, y=y"] if own_data else []
    if not own_data and data not in (None, "moons"):
        args.insert(0, repr(data))
    if checked.hidden != DEFAULTS.hidden:
        args.append(f"hidden={checked.hidden!r}")
    acts = checked.activations
    if acts and len(set(acts)) == 1:
        if acts[0] != DEFAULTS.activations:
            args.append(f"activations={acts[0]!r}")
    elif acts:
        args.append(f"activations={acts!r}")
    loss = checked.loss
    if loss != default_loss(checked.problem, checked.classes):
        args.append(f"loss={loss!r}")
    if checked.output != _losses.get(loss).default_output:
        args.append(f"output={checked.output!r}")
    for name in ("lr", "epochs", "batch_size", "seed", "init", "split"):
        value = getattr(checked, name)
        if value != getattr(DEFAULTS, name):
            args.append(f"{name}={value!r}")
    return f"bp.widgets.playground({', '.join(args)})"
