"""A fully connected network trained by backpropagation, in the book's notation.

Notation (see the book's notation page).  Layers are numbered l = 1, ..., L;
layer l has n_l units and n_0 is the number of input features.  Inside the
network the m examples are **columns**, exactly as in the notes 000, 002 and
004::

    A[0] = X^T                                   (n_0, m)
    Z[l] = W[l] A[l-1] + b[l]                    (n_l, m)   W[l]: (n_l, n_{l-1}), b[l]: (n_l, 1)
    A[l] = g_l(Z[l])                             (n_l, m)
    yhat = A[L]^T                                (m, n_L)

    J = (1/m) sum_i L(yhat_i, y_i)              the cost: the MEAN per-example loss

and the backward pass is::

    dZ[L] = dJ/dZ[L]                             (yhat - y)^T / m   for sigmoid + log loss
    dW[l] = dZ[l] A[l-1]^T                       (n_l, n_{l-1})
    db[l] = sum over columns of dZ[l]            (n_l, 1)
    dZ[l-1] = (W[l]^T dZ[l]) * g'_{l-1}(Z[l-1])  (n_{l-1}, m)

At the API boundary examples are rows (``X`` has shape (m, n_0)), as in
NumPy and scikit-learn; the one transpose happens there.  Python lists are
0-based, so ``net.weights[0]`` is W[1] of the notes; the code keeps the
notes' names (``W``, ``b``, ``Z``, ``A``, ``dZ``, ``dW``, ``db``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import activations as _act
from .validation import (
    as_float_array,
    check_activation_names,
    check_finite,
    check_learning_rate,
    check_loss,
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


def _softplus(z, out):
    """softplus(z) = log(1 + e^z) into ``out``; returns its sum.

    log1p(e^z) is exact to an ulp or two until e^z overflows (z > 709.78);
    then the sum is inf, and the slower np.logaddexp(0, z) computes it.
    """
    np.exp(z, out=out)
    np.log1p(out, out=out)
    total = out.sum()
    if total == math.inf:
        np.logaddexp(0.0, z, out=out)
        total = out.sum()
    return total


class _Workspace:
    """Buffers for the forward and backward pass on m examples, reused epoch after epoch.

    ``A[l]`` (l = 0, ..., L-1) is the input of layer l+1 with a last row of ones,
    shape (n_l + 1, m); ``H[l]`` is the same array without that row, A[l] of the
    notes (``H[0]`` holds X^T).  The ones row lets one matrix product compute
    Z = W A + b = [W | b] [A; 1].
    """

    def __init__(self, sizes, m, identity_output):
        self.m = m
        self.A = [np.ones((n + 1, m)) for n in sizes[:-1]]
        self.H = [A[:-1] for A in self.A]
        n_L = sizes[-1]
        self.Z_L = np.empty((n_L, m))  # Z[L], the output layer's pre-activation
        self.A_L = self.Z_L if identity_output else np.empty((n_L, m))  # A[L] = yhat^T
        self.S = np.empty((n_L, m))  # softplus(Z[L]), for the log loss
        self.sum_S = 0.0
        self.dZ_L = np.empty((n_L, m))
        # dA[l] = W[l+1]^T dZ[l+1] for the hidden layers l: one buffer for all
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
        the L layers.
    loss : {"bce", "mse"}
        ``"bce"``: binary cross-entropy (log loss) per example,
        ``L = -sum_k [y_k log yhat_k + (1 - y_k) log(1 - yhat_k)]``; needs a
        sigmoid output layer.  ``"mse"``: squared error per example,
        ``L = sum_k (y_k - yhat_k)^2`` (not halved, as in note 004).  The cost J
        is the mean of L over the m examples.
    seed : int or None
        Seeds NumPy's ``default_rng``, which draws the initial weights and the
        mini-batch order.  The same seed gives bit-identical results.

    Initialisation
    --------------
    Biases start at zero.  Weights W[l] are drawn from a normal distribution
    with mean 0 and standard deviation ``sqrt(2 / n_{l-1})`` for a ReLU layer
    (He et al., 2015) and ``sqrt(1 / n_{l-1})`` otherwise (LeCun/Xavier
    scaling), so that the pre-activations Z[l] start with roughly unit variance.
    """

    def __init__(self, sizes, activations, loss="bce", seed=0):
        self.sizes = check_sizes(sizes)
        self.activations = check_activation_names(activations, len(self.sizes) - 1)
        self.loss = check_loss(loss, self.activations[-1])
        self.rng = np.random.default_rng(seed)
        self._allocate()
        for W, n_in, g in zip(self.weights, self.sizes[:-1], self.activations):
            scale = math.sqrt((2.0 if g == "relu" else 1.0) / n_in)
            W[...] = self.rng.normal(0.0, scale, size=W.shape)

    # ----------------------------------------------------------------- setup
    def _allocate(self):
        """All parameters live in one flat vector ``theta``, layer by layer.

        Layer l's part is the block [W[l] | b[l]] of shape (n_l, n_{l-1} + 1):
        ``weights[l]`` and ``biases[l]`` are views of its columns.  One matrix
        product then computes a layer, and one gradient-descent step updates
        every W and b with two NumPy calls.  The gradients live in a flat
        vector ``grad`` of the same layout.
        """
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))  # (n_{l-1}, n_l)
        self._theta = np.zeros(sum(n_out * (n_in + 1) for n_in, n_out in pairs))
        self._grad = np.zeros_like(self._theta)
        self._update = np.zeros_like(self._theta)  # lr * grad
        self._Wb, self._dWb, offset = [], [], 0
        for n_in, n_out in pairs:
            k = n_out * (n_in + 1)
            self._Wb.append(self._theta[offset:offset + k].reshape(n_out, n_in + 1))
            self._dWb.append(self._grad[offset:offset + k].reshape(n_out, n_in + 1))
            offset += k
        self.weights = [Wb[:, :-1] for Wb in self._Wb]
        self.biases = [Wb[:, -1:] for Wb in self._Wb]
        self._dW = [dWb[:, :-1] for dWb in self._dWb]
        self._db = [dWb[:, -1:] for dWb in self._dWb]
        self._WT = [W.T for W in self.weights]
        self._g = [_act.get(name) for name in self.activations]
        self._workspaces = {}

    def _workspace_for(self, m):
        """Buffers for m examples, kept for reuse (full batch and mini-batch sizes)."""
        if m not in self._workspaces:
            if len(self._workspaces) >= 4:
                self._workspaces.clear()
            self._workspaces[m] = self._new_workspace(m)
        return self._workspaces[m]

    def _new_workspace(self, m):
        return _Workspace(self.sizes, m, self.activations[-1] == "identity")

    @classmethod
    def from_params(cls, weights, biases, activations, loss="bce"):
        """A network with the given parameters (copied).

        ``weights[l]`` must have shape (n_{l+1}, n_l) and ``biases[l]`` shape
        (n_{l+1}, 1) or (n_{l+1},), with consecutive layers agreeing.
        """
        if len(weights) != len(biases) or len(weights) == 0:
            raise ValueError(
                f"from_params needs one weight matrix and one bias vector per layer; "
                f"got {len(weights)} weights and {len(biases)} biases"
            )
        Ws = [as_float_array(W, f"weights[{l}]") for l, W in enumerate(weights)]
        bs = [as_float_array(b, f"biases[{l}]") for l, b in enumerate(biases)]
        for l, W in enumerate(Ws):
            if W.ndim != 2:
                raise ValueError(
                    f"weights[{l}] must be 2-D (n_out, n_in), got shape {W.shape}"
                )
        sizes = [Ws[0].shape[1]] + [W.shape[0] for W in Ws]
        for l, W in enumerate(Ws):
            if W.shape != (sizes[l + 1], sizes[l]):
                raise ValueError(
                    f"weights[{l}] has shape {W.shape}, but the previous layer has "
                    f"{sizes[l]} units, so it must have shape ({W.shape[0]}, {sizes[l]})"
                )
            if bs[l].shape not in ((sizes[l + 1], 1), (sizes[l + 1],)):
                raise ValueError(
                    f"biases[{l}] has shape {bs[l].shape}, but weights[{l}] has "
                    f"{sizes[l + 1]} rows, so it must have shape ({sizes[l + 1]}, 1)"
                )
            check_finite(W, f"weights[{l}]")
            check_finite(bs[l], f"biases[{l}]")
        net = cls(sizes, activations, loss, seed=0)
        for W, b, W_new, b_new in zip(net.weights, net.biases, Ws, bs):
            W[...] = W_new
            b[...] = b_new.reshape(b.shape)
        return net

    def copy(self):
        """An independent copy of this network (parameters and random state)."""
        net = MLP.from_params(self.weights, self.biases, self.activations, self.loss)
        net.rng = np.random.default_rng()
        net.rng.bit_generator.state = self.rng.bit_generator.state
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
    # The matrix products use np.dot, which is @ for 2-D arrays with less overhead
    # for small matrices (and with a BLAS call for an outer product, unlike @).
    # In the loops, self._Wb[l] is [W[l+1] | b[l+1]] of the notes and ws.H[l] is A[l].
    def _forward(self, ws):
        """Forward pass on the inputs in ``ws.H[0]`` (A[0] = X^T); returns A[L] (n_L, m)."""
        for l in range(len(self._Wb) - 1):
            Z = ws.H[l + 1]  # Z[l+1] is computed where A[l+1] will be
            np.dot(self._Wb[l], ws.A[l], out=Z)  # Z[l+1] = [W | b] [A[l]; 1] = W A[l] + b
            self._g[l].forward(Z, out=Z)  # A[l+1] = g(Z[l+1]), in place
        Z, A = ws.Z_L, ws.A_L
        np.dot(self._Wb[-1], ws.A[-1], out=Z)
        if self.loss == "bce":
            # The sigmoid output as a = e^z / (1 + e^z) = exp(z - softplus(z)), with
            # softplus(z) = log(1 + e^z), which the log loss needs anyway.
            ws.sum_S = _softplus(Z, out=ws.S)
            np.subtract(Z, ws.S, out=A)
            np.exp(A, out=A)
        else:
            self._g[-1].forward(Z, out=A)  # A is Z itself for the identity
        return A

    def _cost_and_output_delta(self, Y, ws):
        """The cost J and dZ[L] = dJ/dZ[L], for targets Y of shape (n_L, m)."""
        m, Z, A, dZ = ws.m, ws.Z_L, ws.A_L, ws.dZ_L
        if self.loss == "bce":
            # L = -y log(a) - (1-y) log(1-a) with a = sigma(z) equals
            # softplus(z) - y z (ws.sum_S is the sum of softplus(z)): no log(0).
            J = (ws.sum_S - np.vdot(Y, Z)) / m
            if J < 0.01 * ws.sum_S / m:
                # When the predictions are confident and right, that difference of two
                # large sums cancels; then sum the per-example losses directly:
                # softplus(z) - y z = softplus((1 - 2y) z) >= 0 for y in {0, 1}.
                np.multiply(1.0 - 2.0 * Y, Z, out=ws.S)
                J = _softplus(ws.S, out=ws.S) / m
            # dJ/dZ[L] = (a - y) / m: the sigmoid's a(1-a) cancels (notes 000-003).
            np.subtract(A, Y, out=dZ)
            dZ *= 1.0 / m
        else:
            # L = sum_k (y_k - a_k)^2,  dJ/dA[L] = 2 (a - y) / m
            np.subtract(A, Y, out=dZ)
            J = np.vdot(dZ, dZ) / m
            dZ *= 2.0 / m
            if self.activations[-1] != "identity":
                self._g[-1].prime(A, ws.S)  # A[L] <- g'(Z[L]) (ws.S: scratch)
                dZ *= A  # dZ[L] = dA[L] * g'(Z[L])
        return J, dZ

    def _backward(self, dZ, ws):
        """Backward pass from dZ[L]; fills the flat gradient ``self._grad``."""
        for l in range(len(self._Wb) - 1, -1, -1):
            # [dW | db] = dZ[l+1] [A[l]; 1]^T: dW = dZ A^T, and db = dZ 1 sums dZ's columns.
            np.dot(dZ, ws.A[l].T, out=self._dWb[l])
            if l > 0:
                # g'(Z[l]), written over A[l], whose last use (dW above) is done;
                # the buffer for dA[l] serves as scratch until the product fills it.
                G, dA = ws.H[l], ws.dA[l]
                self._g[l - 1].prime(G, dA)
                np.dot(self._WT[l], dZ, out=dA)  # dA[l] = W[l+1]^T dZ[l+1]
                G *= dA  # dZ[l] = dA[l] * g'(Z[l])
                dZ = G

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
        np.copyto(ws.H[0], X.T)  # examples as columns, as in the notes
        return ws

    # ------------------------------------------------------------------ API
    def forward(self, X):
        """The network's output yhat = A[L]^T, shape (m, n_L), for X of shape (m, n_0)."""
        ws = self._workspace_with(check_X(X, self.sizes[0]), cached=False)
        with np.errstate(**_QUIET):
            return self._forward(ws).T.copy()

    def logits(self, X):
        """The output layer's pre-activation Z[L]^T, shape (m, n_L)."""
        ws = self._workspace_with(check_X(X, self.sizes[0]), cached=False)
        with np.errstate(**_QUIET):
            self._forward(ws)
        return ws.Z_L.T.copy()

    def cost(self, X, y):
        """The cost J = (1/m) sum_i L(yhat_i, y_i), a float."""
        X, Y = self._checked(X, y)
        with np.errstate(**_QUIET):
            return self._full_cost(self._workspace_with(X), Y)

    def gradients(self, X, y):
        """The gradient of J: ``(dWs, dbs)``, lists shaped like ``weights`` and ``biases``.

        ``dWs[l] = dJ/dW[l+1]`` and ``dbs[l] = dJ/db[l+1]`` (0-based lists).
        """
        X, Y = self._checked(X, y)
        with np.errstate(**_QUIET):
            self._loss_and_gradients(self._workspace_with(X), Y)
        return [dW.copy() for dW in self._dW], [db.copy() for db in self._db]

    def step(self, X, y, lr):
        """One gradient-descent update ``W <- W - lr dW``, ``b <- b - lr db``.

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
        """Train by gradient descent; returns a :class:`History`.

        Full-batch by default, as in the notes: each epoch makes one update
        with the gradient of J over all m examples.  With ``batch_size`` each
        epoch shuffles the examples (with the network's seeded ``rng``) and
        makes one update per mini-batch.

        ``callback(epoch, net, loss)``, if given, is called after each epoch
        with the cost J recorded for it; returning ``False`` stops training.

        Raises :class:`TrainingDiverged` if J becomes infinite or NaN; the
        network then keeps the parameters of the last finite epoch.
        """
        lr = check_learning_rate(lr)
        epochs = check_positive_int(epochs, "epochs")
        X, Y = self._checked(X, y)
        m = X.shape[0]
        if batch_size is not None:
            batch_size = min(check_positive_int(batch_size, "batch_size"), m)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable, got {callback!r}")

        # Buffers of fit's own, so that a callback may use the network freely.
        ws = self._workspace_with(X, cached=False)
        batches = {}  # mini-batch size -> workspace
        losses = np.empty(epochs)
        history = History(losses[:0], lr)
        last_good = self._theta.copy()
        done = epochs
        with np.errstate(invalid="ignore", **_QUIET):
            for epoch in range(epochs):
                if batch_size is None or batch_size == m:
                    J = self._loss_and_gradients(ws, Y)
                    ok = math.isfinite(J)
                    if ok:
                        np.copyto(last_good, self._theta)
                        self._apply_update(lr)
                else:
                    J = self._full_cost(ws, Y)
                    ok = math.isfinite(J)
                    if ok:
                        np.copyto(last_good, self._theta)
                        order = self.rng.permutation(m)
                        for start in range(0, m, batch_size):
                            idx = order[start:start + batch_size]
                            if len(idx) not in batches:
                                batches[len(idx)] = self._new_workspace(len(idx))
                            wb = batches[len(idx)]
                            np.take(ws.A[0], idx, axis=1, out=wb.A[0])
                            self._loss_and_gradients(wb, Y[:, idx])
                            self._apply_update(lr)
                if not ok:
                    np.copyto(self._theta, last_good)
                    history.losses = losses[:epoch].copy()
                    raise TrainingDiverged(epoch, lr, history)
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
        """Class labels 0/1 (yhat >= 0.5) for ``"bce"``; the outputs yhat for ``"mse"``.

        Returns shape (m,) when n_L = 1, else (m, n_L).
        """
        if self.loss == "bce":
            out = (self.logits(X) >= 0).astype(int)  # sigma(z) >= 0.5  <=>  z >= 0
        else:
            out = self.forward(X)
        return out[:, 0] if out.shape[1] == 1 else out

