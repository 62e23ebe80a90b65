"""The benchmark workloads (W1 to W4 of issue 5, W5 of issue 21): data, network and training settings.

Every implementation starts from the same initial parameters: those of
``bp.MLP(sizes, activations, loss, seed=0)``.  Training is plain full-batch
gradient descent in float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import backprop as bp


def digits():
    """scikit-learn's 1,797 handwritten digits (shipped with it), pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data / 16.0, data.target


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    data: Callable  # () -> (X, y)
    sizes: tuple
    activations: tuple
    loss: str  # "bce", "mse" or "cross_entropy", as in backprop
    lr: float
    epochs: int
    timed_epochs: int | None = None  # epochs of each timed run (default: epochs)

    def initial_params(self):
        """(weights, biases): the same starting point for every implementation."""
        net = bp.MLP(self.sizes, self.activations, self.loss, seed=0)
        return [W.copy() for W in net.weights], [b.copy() for b in net.biases]


WORKLOADS = {
    w.name: w
    for w in [
        Workload(
            "W1", "moons m=200, 2-16-16-1 relu/relu/sigmoid, log loss",
            lambda: bp.datasets.moons(200, noise=0.2, seed=0),
            (2, 16, 16, 1), ("relu", "relu", "sigmoid"), "bce", 0.5, 2000,
        ),
        Workload(
            "W2", "blobs m=100, one sigmoid neuron (logistic regression)",
            lambda: bp.datasets.blobs(100, seed=0),
            (2, 1), ("sigmoid",), "bce", 0.5, 1000,
        ),
        Workload(
            "W3", "gaussian m=10000, 20-128-128-1 relu/relu/sigmoid, log loss",
            lambda: bp.datasets.gaussian_features(10_000, 20, seed=0),
            (20, 128, 128, 1), ("relu", "relu", "sigmoid"), "bce", 0.2, 200,
            timed_epochs=40,  # the cost of an epoch does not change; shorter runs interleave better
        ),
        Workload(
            "W4", "sin(3x)+noise m=1000, 1-32-1 sigmoid/identity, MSE",
            lambda: bp.datasets.regression_curve(1000, noise=0.1, seed=0),
            (1, 32, 1), ("sigmoid", "identity"), "mse", 0.5, 2000,
        ),
        Workload(
            "W5", "digits m=1797, 64-64-10 relu/softmax, cross-entropy",
            digits, (64, 64, 10), ("relu", "softmax"), "cross_entropy", 0.5, 300,
        ),
    ]
}
