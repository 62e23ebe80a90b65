"""One trainer per implementation: ``make_<impl>(workload, X, y)`` returns ``train``.

``train(epochs)`` trains from the workload's initial parameters and returns
``(losses, weights, biases)`` in backprop's conventions: ``losses[e]`` is the
cost J before epoch e's update (mean log loss, mean cross-entropy, or mean
squared error NOT halved), ``weights[l]`` has shape (n_out, n_in), ``biases[l]`` shape (n_out,).
Everything that is not training (building the model, copying data) happens
once, outside ``train()``.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

import backprop as bp


def make_backprop(w, X, y):
    W0, b0 = w.initial_params()

    def train(epochs):
        net = bp.MLP.from_params(W0, b0, w.activations, w.loss)
        hist = net.fit(X, y, lr=w.lr, epochs=epochs)
        return hist.losses, [W.copy() for W in net.weights], [b.ravel() for b in net.biases]

    return train


def make_sklearn(w, X, y):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    W0, b0 = w.initial_params()
    names = {"relu": "relu", "sigmoid": "logistic", "tanh": "tanh", "identity": "identity"}
    # MLPClassifier: a sigmoid output with the log loss for two classes, a softmax output
    # with the cross-entropy for more; the classes 0..K-1 are the output units in order.
    hidden = w.activations[:-1]
    if len(set(hidden)) > 1:
        raise ValueError("scikit-learn uses one activation for all hidden layers")
    regression = w.loss == "mse"
    Estimator = MLPRegressor if regression else MLPClassifier
    est = Estimator(
        hidden_layer_sizes=w.sizes[1:-1],
        activation=names[hidden[0]] if hidden else "relu",  # unused without hidden layers
        solver="sgd", alpha=0.0, batch_size=len(X), shuffle=False,
        learning_rate="constant",
        # scikit-learn's squared error is halved: twice the rate makes the same update.
        learning_rate_init=2 * w.lr if regression else w.lr,
        momentum=0.0, nesterovs_momentum=False, early_stopping=False,
        tol=0.0, n_iter_no_change=np.inf, warm_start=True, max_iter=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)  # builds the estimator's structures; the weights are replaced below

    def train(epochs):
        est.set_params(max_iter=epochs)
        est.coefs_ = [W.T.copy() for W in W0]  # scikit-learn: coefs_[l] is (n_in, n_out)
        est.intercepts_ = [b.ravel().copy() for b in b0]
        est.loss_curve_, est.n_iter_, est.t_ = [], 0, 0
        est.best_loss_, est._no_improvement_count = np.inf, 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y)
        losses = np.array(est.loss_curve_)
        if regression:
            losses *= 2  # back to the unhalved squared error
        return losses, [W.T.copy() for W in est.coefs_], [b.copy() for b in est.intercepts_]

    return train


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _torch_model(w, X, y):
    """The workload's network as ``nn.Linear`` layers, its loss, and X, y as tensors."""
    import torch

    torch.set_num_threads(os.cpu_count())  # intra-op threads = the machine's cores
    W0, b0 = w.initial_params()
    layers = []
    for l, (W, g) in enumerate(zip(W0, w.activations)):
        layers.append(torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64))
        if l < len(W0) - 1:  # the output activation is part of the loss below
            layers.append({"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid,
                           "tanh": torch.nn.Tanh, "identity": torch.nn.Identity}[g]())
    if w.loss == "bce":
        loss_fn = torch.nn.BCEWithLogitsLoss()  # sigmoid output + mean log loss
    elif w.loss == "cross_entropy":
        loss_fn = torch.nn.CrossEntropyLoss()  # softmax output + mean cross-entropy, labels 0..K-1
    else:
        assert w.activations[-1] == "identity"
        loss_fn = torch.nn.MSELoss()  # mean, not halved: as backprop for n_L = 1
    model = torch.nn.Sequential(*layers)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float64))
    if w.loss == "cross_entropy":
        yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
    else:
        yt = torch.from_numpy(np.asarray(y, dtype=np.float64).reshape(len(X), -1))

    def reset():
        with torch.no_grad():
            for lin, W, b in zip(linears, W0, b0):
                lin.weight.copy_(torch.from_numpy(W))
                lin.bias.copy_(torch.from_numpy(b.ravel()))

    def result(losses):
        return (losses, [lin.weight.detach().numpy().copy() for lin in linears],
                [lin.bias.detach().numpy().copy() for lin in linears])

    return model, loss_fn, Xt, yt, reset, result


def make_torch(w, X, y):
    """PyTorch eager as its users write it for speed: a manual update under ``no_grad``.

    ``p.grad = None`` instead of zeroing, the update ``p -= lr * p.grad`` in place
    (``sub_`` with ``alpha``), and the cost stored as a tensor, with no ``.item()``
    (no conversion to a Python float) per epoch.
    """
    import torch

    model, loss_fn, Xt, yt, reset, result = _torch_model(w, X, y)
    params = list(model.parameters())
    lr = w.lr

    def train(epochs):
        reset()
        losses = torch.empty(epochs, dtype=torch.float64)
        for epoch in range(epochs):
            for p in params:
                p.grad = None
            loss = loss_fn(model(Xt), yt)
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p.sub_(p.grad, alpha=lr)
                losses[epoch] = loss
        return result(losses.numpy())

    return train


def make_torch_optim(w, X, y):
    """PyTorch eager with ``optim.SGD``, ``zero_grad`` and ``loss.item()`` every epoch."""
    import torch

    model, loss_fn, Xt, yt, reset, result = _torch_model(w, X, y)
    opt = torch.optim.SGD(model.parameters(), lr=w.lr)

    def train(epochs):
        reset()
        losses = np.empty(epochs)
        for epoch in range(epochs):
            opt.zero_grad()
            loss = loss_fn(model(Xt), yt)
            loss.backward()
            opt.step()
            losses[epoch] = loss.item()
        return result(losses)

    return train


IMPLEMENTATIONS = {
    "backprop": make_backprop,
    "scikit-learn": make_sklearn,
    "pytorch": make_torch,
    "pytorch-optim": make_torch_optim,
}
