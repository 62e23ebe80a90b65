"""A fully connected network trained by backpropagation, in the book's notation.

Layers are numbered l = 1, ..., L; layer l has n_l units and n_0 is the number
of input features.  Inside the network the m examples are **columns**, and the
code computes the numbered equations of the notation page (``book/notation.md``)::

    A[0] = X^T                                 (n_0, m)
    (F1) Z[l] = W[l] A[l-1] + b[l]             (n_l, m)
    (F2) A[l] = g_l(Z[l])                      (n_l, m)
    (C)  J = (1/m) sum_i L(yhat_i, y_i)        the MEAN loss
    (B1) dZ[L] = dJ/dZ[L] = (A[L] - Y) / m     (sigmoid, log loss)
    (B2) dZ[l] = (W[l+1]^T dZ[l+1]) * g_l'(Z[l])
    (B3) dW[l] = dZ[l] A[l-1]^T                (n_l, n_{l-1})
    (B4) db[l] = dZ[l] 1, the row sums         (n_l, 1)
    (U)  W[l] <- W[l] - lr dW[l],  b[l] <- b[l] - lr db[l]

:mod:`backprop.reference` is the same algorithm in plain NumPy, one line per
equation; ``MLP.trace`` returns its record of every layer.  The loops here
compute the same numbers up to rounding (``tests/test_reference.py`` holds
their gradients to within 1e-12 of the largest entry), faster, in four ways
(what each buys is measured in ``benchmarks/README.md``, "What makes backprop
fast"):

* **Parameters in one block.**  W[l] and b[l] are the columns of one array
  [W[l] | b[l]], and A[l-1] is kept with a row of ones underneath,
  ``A_aug[l-1] = [A[l-1]; 1]``.  Then one matrix product computes F1,
  [W | b] [A; 1] = W A + b, and one computes B3 and B4 together,
  dZ [A; 1]^T = [dZ A^T | dZ 1] = [dW | db].  All blocks live in one flat
  vector, so the update U is two NumPy calls for the whole network.
* **No allocation per epoch.**  Every array is a buffer reused epoch after
  epoch; Z[l] of a hidden layer is computed where A[l] will be and turned into
  A[l] in place, and the backward pass writes g'(Z[l]) and then dZ[l] over
  A[l] once A[l] has served B3.
* **g' from A.**  g'(Z) is computed from A = g(Z) (sigmoid: a(1 - a)), so Z of
  a hidden layer need not be kept.
* **B3 in the faster orientation.**  Where the block [dW | db] has more
  columns than rows (n_{l-1} + 1 > n_l), the loop computes its transpose,
  [A; 1] dZ^T, and copies it into place (for a single unit, n_l = 1, it writes
  straight into [dW | db], its own transpose): OpenBLAS does this long sum over
  the m examples faster when its result is taller than wide.

At the API boundary examples are rows (``X`` has shape (m, n_0)), as in NumPy
and scikit-learn; the one transpose happens there.  Python lists are 0-based,
so ``net.weights[0]`` is W[1]; inside the loops the lists have a placeholder
at index 0 and ``W[l]`` is W[l] of the book.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import activations as _act
from . import init as _init
from . import losses as _losses
from . import reference
from .validation import (
    check_activation_names,
    check_learning_rate,
    check_loss,
    check_params,
    check_positive_int,
    check_sizes,
    check_X,
    check_y,
)

__all__ = ["MLP", "History", "TrainingDiverged"]

# e^{-z} in the sigmoid and e^z in the log loss may overflow or underflow for
# large |z|; the results (0, 1, or softplus(z) ~ z) are still right.
_QUIET = {"over": "ignore", "under": "ignore"}


class TrainingDiverged(RuntimeError):
    """Training stopped because the cost J became infinite or NaN.

    Attributes
    ----------
    epoch : int
        The epoch (0-based) whose cost was not finite.
    lr : float
        The learning rate that was used.
    history : History
        The finite costs of the epochs before ``epoch``.  The network keeps
        the parameters of the last epoch whose cost was finite.
    """

    def __init__(self, epoch, lr, history):
        self.epoch = epoch
        self.lr = lr
        self.history = history
        last = f"{history.losses[-1]:.4g}" if len(history.losses) else "n/a"
        super().__init__(
            f"training diverged at epoch {epoch}: the cost J became infinite or NaN "
            f"with learning rate {lr:g} (last finite J = {last}). "
            f"Try a smaller learning rate, e.g. {lr / 10:g}."
        )


@dataclass
class History:
    """What :meth:`MLP.fit` records.

    Attributes
    ----------
    losses : np.ndarray
        ``losses[e]`` is the cost J over the whole training set at the start of
        epoch e, before that epoch's update(s).
    lr : float
    stopped_early : bool
        True when a callback returned False.
    """

    losses: np.ndarray = field(default_factory=lambda: np.empty(0))
    lr: float = float("nan")
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """The number of epochs run."""
        return len(self.losses)


class _Workspace:
    """The buffers of one forward and backward pass on m examples, reused epoch after epoch.

    Lists are indexed by the book's layer number l (index 0 unused where
    layer 0 has nothing):

    * ``A_aug[l]``, l = 0..L-1: [A[l]; 1], A[l] with a row of ones under it,
      shape (n_l + 1, m), so that [W | b] [A; 1] = W A + b is one product;
    * ``A[l]``, l = 0..L: A[l] itself, a view of ``A_aug[l]`` without the
      ones row (``A[0]`` holds X^T); ``A[L]`` has its own buffer;
    * ``Z[l]``, l = 1..L: where Z[l] is computed.  For a hidden layer that is
      A[l]'s buffer (F2 then turns Z[l] into A[l] in place, and the backward
      pass later turns A[l] into g'(Z[l]) and then dZ[l]); Z[L] has its own
      buffer, which the loss reads;
    * ``dA[l]``, l = 1..L-1: dA[l] = W[l+1]^T dZ[l+1], one buffer shared by
      all hidden layers.
    """

    def __init__(self, sizes, m):
        L = len(sizes) - 1
        self.m = m
        self.A_aug = [np.ones((n + 1, m)) for n in sizes[:-1]]
        self.A = [A_aug[:-1] for A_aug in self.A_aug] + [np.empty((sizes[-1], m))]
        self.Z = [None] + self.A[1:L] + [np.empty((sizes[-1], m))]
        buffer = np.empty((max(sizes[1:-1], default=0), m))
        self.dA = [None] + [buffer[:n] for n in sizes[1:-1]]


class MLP:
    """A multilayer perceptron: ``sizes[l]`` units in layer l, one activation per layer.

    Parameters
    ----------
    sizes : list of int
        ``[n_0, n_1, ..., n_L]``: input features, then the units of each layer.
    activations : list of str
        One of ``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"identity"`` for each of
        the L layers, or ``"softmax"`` for the output layer only.
    loss : {"bce", "mse", "cross_entropy"}
        ``"bce"``: binary cross-entropy (log loss) per example,
        ``-sum_k [y_k log yhat_k + (1 - y_k) log(1 - yhat_k)]``; needs a
        sigmoid output layer.  ``"mse"``: squared error per example,
        ``sum_k (y_k - yhat_k)^2`` (not halved).  ``"cross_entropy"``:
        ``-sum_k y_k log yhat_k`` over K >= 2 classes with one-hot y; needs a
        softmax output layer of K units, and takes labels as integers
        0..K-1 of shape (m,) or as one-hot rows (m, K).  The cost J is the mean
        of the per-example losses over the m examples (equation C).  See
        :mod:`backprop.losses`.
    seed : int or None
        Seeds NumPy's ``default_rng``, which draws the initial weights and the
        mini-batch order.  The same seed gives bit-identical results on the
        same machine and NumPy build (``tests/test_training.py`` checks this).
    init : str or tuple
        How the initial weights are drawn (:mod:`backprop.init`): ``"auto"``
        (the default, see Initialisation below), ``"he"``, ``"lecun"``,
        ``"glorot"``, ``"zeros"`` or ``("normal", sigma)``.

    Attributes
    ----------
    sizes : tuple of int
    activations : tuple of str
    loss : str
    L : int
        The number of layers.
    weights, biases : list of np.ndarray
        ``weights[l - 1]`` is W[l], shape (n_l, n_{l-1}); ``biases[l - 1]`` is
        b[l], shape (n_l, 1).  Views into the network's parameters: writing
        into them changes the network.
    rng : numpy.random.Generator
    init : str or tuple
        The scheme that drew the initial weights, as checked by
        :func:`backprop.init.check_init`; ``None`` for :meth:`from_params`.

    Initialisation
    --------------
    Biases start at zero.  With ``init="auto"`` weights W[l] are drawn from a
    normal distribution with mean 0 and standard deviation ``sqrt(2 / n_{l-1})``
    for a ReLU layer (He et al., 2015) and ``sqrt(1 / n_{l-1})`` otherwise
    (LeCun), so that the pre-activations Z[l] start with roughly unit variance
    (chapter 10 derives and measures it).
    """

    def __init__(self, sizes, activations, loss="bce", seed=0, init="auto"):
        self.sizes = check_sizes(sizes)
        self.activations = check_activation_names(activations, len(self.sizes) - 1)
        self.loss = check_loss(loss, self.activations[-1], self.sizes[-1])
        self.init = _init.check_init(init)
        self.L = len(self.sizes) - 1
        self.rng = np.random.default_rng(seed)
        self._allocate()
        for W, n_in, n_out, g in zip(self.weights, self.sizes[:-1], self.sizes[1:], self.activations):
            W[...] = self.rng.normal(0.0, _init.std(self.init, n_in, n_out, g), size=W.shape)

    # ----------------------------------------------------------------- setup
    def _allocate(self):
        """All parameters live in one flat vector ``theta``, layer by layer.

        Layer l's part is the block [W[l] | b[l]] of shape (n_l, n_{l-1} + 1):
        ``weights[l - 1]`` and ``biases[l - 1]`` are views of its columns.  One
        matrix product then computes a layer (F1), and one gradient-descent
        step (U) updates every W and b with two NumPy calls.  The gradients live
        in a flat vector ``grad`` of the same layout.
        """
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))  # (n_{l-1}, n_l)
        self._theta = np.zeros(sum(n_out * (n_in + 1) for n_in, n_out in pairs))
        self._grad = np.zeros_like(self._theta)
        self._update = np.zeros_like(self._theta)  # lr * grad
        # Indexed by the book's l = 1..L (index 0 unused):
        self._Wb, self._dWb, offset = [None], [None], 0  # [W[l] | b[l]] and [dW[l] | db[l]]
        for n_in, n_out in pairs:
            k = n_out * (n_in + 1)
            self._Wb.append(self._theta[offset:offset + k].reshape(n_out, n_in + 1))
            self._dWb.append(self._grad[offset:offset + k].reshape(n_out, n_in + 1))
            offset += k
        self._WT = [None] + [Wb[:, :-1].T for Wb in self._Wb[1:]]  # W[l]^T, a view
        # B3 and B4 as the transposed product [A[l-1]; 1] dZ[l]^T = [dW[l] | db[l]]^T where the
        # block has more columns than rows (n_{l-1} + 1 > n_l): OpenBLAS computes the long sum
        # over the m examples faster when its result is taller than wide (benchmarks/README.md).
        # For n_l = 1 the transpose is [dW | db] itself, a view; otherwise a buffer, copied
        # into place.  None: dZ[l] [A[l-1]; 1]^T straight into [dW | db].
        self._dWbT = [None]
        for dWb in self._dWb[1:]:
            n_out, k = dWb.shape
            self._dWbT.append(None if k <= n_out else dWb.T if n_out == 1 else np.empty((k, n_out)))
        self._g = [None] + [_act.get(name) for name in self.activations]  # g[l]
        self._loss = _losses.get(self.loss)
        # The public lists are 0-based: weights[l - 1] is W[l].
        self.weights = [Wb[:, :-1] for Wb in self._Wb[1:]]
        self.biases = [Wb[:, -1:] for Wb in self._Wb[1:]]
        self._dW = [dWb[:, :-1] for dWb in self._dWb[1:]]
        self._db = [dWb[:, -1:] for dWb in self._dWb[1:]]
        self._workspaces = {}

    def _workspace_for(self, m):
        """Buffers for m examples, kept for reuse (full batch and mini-batch sizes)."""
        if m not in self._workspaces:
            if len(self._workspaces) >= 4:
                self._workspaces.clear()
            self._workspaces[m] = self._new_workspace(m)
        return self._workspaces[m]

    def _new_workspace(self, m):
        return _Workspace(self.sizes, m)

    @classmethod
    def from_params(cls, weights, biases, activations, loss="bce"):
        """A network with the given parameters (copied).

        ``weights[l]`` must have shape (n_{l+1}, n_l) and ``biases[l]`` shape
        (n_{l+1}, 1) or (n_{l+1},), with consecutive layers agreeing.
        """
        sizes, Ws, bs = check_params(weights, biases)
        net = cls(sizes, activations, loss, seed=0)
        for W, b, W_new, b_new in zip(net.weights, net.biases, Ws, bs):
            W[...] = W_new
            b[...] = b_new
        net.init = None  # the parameters were given, not drawn
        return net

    def copy(self):
        """An independent copy of this network (parameters and random state)."""
        net = MLP.from_params(self.weights, self.biases, self.activations, self.loss)
        net.rng = np.random.default_rng()
        net.rng.bit_generator.state = self.rng.bit_generator.state
        net.init = self.init
        return net

    @property
    def n_params(self) -> int:
        return self._theta.size

    def __repr__(self):
        return (
            f"MLP(sizes={list(self.sizes)}, activations={list(self.activations)}, "
            f"loss={self.loss!r})"
        )

    # ------------------------------------------------------ forward / backward
    # The fast loops.  ws is a _Workspace; lists are indexed by the book's l.
    # np.dot is @ for 2-D arrays, with less overhead for small matrices.
    def _forward(self, ws):
        """F1 and F2 for l = 1..L, on the inputs in ``ws.A[0]`` (= X^T); returns A[L]."""
        Wb, g, A_aug, Z, A = self._Wb, self._g, ws.A_aug, ws.Z, ws.A
        for l in range(1, self.L + 1):
            np.dot(Wb[l], A_aug[l - 1], out=Z[l])  # (F1) Z[l] = W[l] A[l-1] + b[l] = [W[l] | b[l]][A[l-1]; 1]
            g[l].forward(Z[l], out=A[l])  # (F2) A[l] = g(Z[l]), in place for a hidden layer
        return A[self.L]

    def _cost_and_output_delta(self, Y, ws):
        """The cost J (C) and dZ[L] (B1), for targets Y of shape (n_L, m)."""
        L, Z, A = self.L, ws.Z, ws.A
        J = self._loss.cost(Z[L], A[L], Y)  # (C)  J = (1/m) sum_i L(yhat_i, y_i)
        dZ = self._loss.delta(Z[L], A[L], Y, self._g[L])  # (B1) e.g. dZ[L] = (A[L] - Y) / m
        return J, dZ

    def _backward(self, dZ, ws):
        """B3, B4 and B2 from dZ = dZ[L] down to layer 1; fills the flat gradient ``self._grad``."""
        dWb, dWbT, WT, g = self._dWb, self._dWbT, self._WT, self._g
        A_aug, A, dA = ws.A_aug, ws.A, ws.dA
        for l in range(self.L, 0, -1):
            if dWbT[l] is None:
                np.dot(dZ, A_aug[l - 1].T, out=dWb[l])  # (B3, B4) [dW[l] | db[l]] = dZ[l] [A[l-1]; 1]^T
            else:  # the same product, transposed (see _allocate)
                np.dot(A_aug[l - 1], dZ.T, out=dWbT[l])  # (B3, B4) [dW[l] | db[l]]^T = [A[l-1]; 1] dZ[l]^T
                if dWbT[l].base is None:  # a buffer of its own, not a view of [dW | db]
                    np.copyto(dWb[l], dWbT[l].T)
            if l > 1:
                # A[l-1] has served B3 above, so its buffer takes g'(Z[l-1]) and then dZ[l-1];
                # the buffer dA[l-1] is scratch space for the first line and dA[l-1] after it.
                g_prime = g[l - 1].overwrite_with_prime(A[l - 1], dA[l - 1])  # g'(Z[l-1]), from A[l-1]
                dA_below = np.dot(WT[l], dZ, out=dA[l - 1])  # dA[l-1] = W[l]^T dZ[l]
                dZ = np.multiply(dA_below, g_prime, out=g_prime)  # (B2) dZ[l-1] = dA[l-1] * g'(Z[l-1])

    def _loss_and_gradients(self, ws, Y):
        """J and the flat gradient, for the inputs in ``ws`` and targets Y (n_L, m)."""
        self._forward(ws)
        J, dZ = self._cost_and_output_delta(Y, ws)
        self._backward(dZ, ws)
        return J

    def _checked(self, X, y):
        """Validated X (m, n_0) and the targets as columns, Y = y^T (n_L, m)."""
        X = check_X(X, self.sizes[0])
        y = check_y(y, X.shape[0], self.sizes[-1], self.loss)
        return X, np.ascontiguousarray(y.T)

    def _workspace_with(self, X, cached=True):
        """A workspace for X's m examples, holding X^T as its inputs."""
        m = X.shape[0]
        ws = self._workspace_for(m) if cached else self._new_workspace(m)
        np.copyto(ws.A[0], X.T)  # A[0] = X^T: examples as columns
        return ws

    # ------------------------------------------------------------------ API
    def forward(self, X):
        """The network's output yhat = A[L]^T, shape (m, n_L), for X of shape (m, n_0) (F1, F2)."""
        ws = self._workspace_with(check_X(X, self.sizes[0]), cached=False)
        with np.errstate(**_QUIET):
            return self._forward(ws).T.copy()  # yhat = A[L]^T

    def logits(self, X):
        """The output layer's pre-activation Z[L]^T, shape (m, n_L) (F1 for l = L)."""
        ws = self._workspace_with(check_X(X, self.sizes[0]), cached=False)
        with np.errstate(**_QUIET):
            self._forward(ws)
        return ws.Z[self.L].T.copy()

    def cost(self, X, y):
        """The cost J = (1/m) sum_i L(yhat_i, y_i) (equation C), a float."""
        X, Y = self._checked(X, y)
        with np.errstate(**_QUIET):
            return self._full_cost(self._workspace_with(X), Y)

    def gradients(self, X, y):
        """The gradient of J: ``(dWs, dbs)``, lists shaped like ``weights`` and ``biases``.

        ``dWs[l - 1]`` is dW[l] = dJ/dW[l] and ``dbs[l - 1]`` is db[l]
        (0-based lists), computed by backpropagation: equations B1 to B4.
        """
        X, Y = self._checked(X, y)
        with np.errstate(**_QUIET):
            self._loss_and_gradients(self._workspace_with(X), Y)
        return [dW.copy() for dW in self._dW], [db.copy() for db in self._db]

    def trace(self, X, y):
        """Every layer's Z, A, dZ, dW and db for inputs X (m, n_0) and targets y.

        Returns a :class:`~backprop.reference.Trace`: ``trace.J`` is the cost,
        ``trace[l]`` for l = 1, ..., L has ``.Z``, ``.A``, ``.dZ`` (n_l, m),
        ``.dW`` (n_l, n_{l-1}) and ``.db`` (n_l, 1), examples as columns
        (equations F1, F2, C, B1 to B4).  Computed by the plain reference loop
        :func:`backprop.reference.forward_backward`, from the network's current
        parameters; the network is not changed.
        """
        return reference.forward_backward(self.weights, self.biases, self.activations,
                                          self.loss, X, y)

    def step(self, X, y, lr):
        """One gradient-descent update (equation U), ``W <- W - lr dW``, ``b <- b - lr db``.

        Returns J before the update.  If J or the gradient is not finite the
        parameters are left unchanged and :class:`TrainingDiverged` is raised.
        """
        lr = check_learning_rate(lr)
        X, Y = self._checked(X, y)
        with np.errstate(invalid="ignore", **_QUIET):
            J = self._loss_and_gradients(self._workspace_with(X), Y)
        if not (math.isfinite(J) and np.isfinite(self._grad).all()):
            raise TrainingDiverged(0, lr, History(np.empty(0), lr))
        self._apply_update(lr)
        return float(J)

    def _apply_update(self, lr):
        np.multiply(self._grad, lr, out=self._update)
        np.subtract(self._theta, self._update, out=self._theta)

    def fit(self, X, y, lr=0.5, epochs=1000, batch_size=None, callback=None):
        """Train by gradient descent (equation U); returns a :class:`History`.

        Full-batch by default, as in the notes: each epoch makes one update
        with the gradient of J over all m examples.  With ``batch_size`` each
        epoch shuffles the examples (with the network's seeded ``rng``) and
        makes one update per mini-batch.

        ``callback(epoch, net, loss)``, if given, is called after each epoch
        with the cost J recorded for it (over all m examples, before the
        epoch's first update); returning ``False`` stops training.

        Raises :class:`TrainingDiverged` if J becomes infinite or NaN; the
        network then keeps the parameters of the last finite epoch.
        """
        lr = check_learning_rate(lr)
        epochs = check_positive_int(epochs, "epochs")
        X, Y = self._checked(X, y)
        m = X.shape[0]
        batch_size = m if batch_size is None else min(check_positive_int(batch_size, "batch_size"), m)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable, got {callback!r}")

        # Buffers of fit's own, so that a callback may use the network freely.
        ws = self._workspace_with(X, cached=False)
        batch_workspaces = {m: ws}  # batch size -> workspace; the full batch is ws itself
        losses = np.empty(epochs)
        history = History(losses[:0], lr)
        last_good = self._theta.copy()
        done = epochs
        with np.errstate(invalid="ignore", **_QUIET):
            for epoch in range(epochs):
                # Full batch is one batch of all m examples, in their order.
                order = None if batch_size == m else self.rng.permutation(m)
                for start in range(0, m, batch_size):
                    if order is None:
                        batch, Y_batch = ws, Y
                    else:
                        idx = order[start:start + batch_size]
                        if len(idx) not in batch_workspaces:
                            batch_workspaces[len(idx)] = self._new_workspace(len(idx))
                        batch, Y_batch = batch_workspaces[len(idx)], Y[:, idx]
                        np.take(ws.A[0], idx, axis=1, out=batch.A[0])
                    J_batch = self._loss_and_gradients(batch, Y_batch)
                    if start == 0:  # the epoch's J, over all m examples, before its first update
                        J = J_batch if order is None else self._full_cost(ws, Y)
                        if not math.isfinite(J):
                            np.copyto(self._theta, last_good)
                            history.losses = losses[:epoch].copy()
                            raise TrainingDiverged(epoch, lr, history)
                        np.copyto(last_good, self._theta)
                    self._apply_update(lr)
                losses[epoch] = J
                if callback is not None and callback(epoch, self, float(J)) is False:
                    history.stopped_early = True
                    done = epoch + 1
                    break
        history.losses = losses[:done].copy()
        return history

    def _full_cost(self, ws, Y):
        self._forward(ws)
        return float(self._cost_and_output_delta(Y, ws)[0])

    def predict(self, X):
        """What the loss predicts: class labels 0/1 (yhat >= 0.5) for ``"bce"``; yhat for
        ``"mse"``; the most probable class 0..K-1 for ``"cross_entropy"``.

        Returns shape (m,) when n_L = 1 or for ``"cross_entropy"``, else (m, n_L).
        """
        ws = self._workspace_with(check_X(X, self.sizes[0]), cached=False)
        with np.errstate(**_QUIET):
            self._forward(ws)
        out = self._loss.predict(ws.Z[self.L], ws.A[self.L]).T.copy()
        return out[:, 0] if out.shape[1] == 1 else out

    def predict_proba(self, X):
        """The probabilities of a classifier: for ``"cross_entropy"`` the softmax output, shape
        (m, K), each row summing to one; for ``"bce"`` the sigmoid output (m, n_L), the
        probability of label 1 of each unit.  A ``ValueError`` for a regression loss."""
        if self._loss.task != "classification":
            raise ValueError(
                f"predict_proba needs a classification loss ('bce' or 'cross_entropy'); "
                f"this network's loss is {self.loss!r}, whose outputs are not probabilities"
            )
        return self.forward(X)
