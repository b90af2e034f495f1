"""Batch gradient descent with the momentum optimizer (chapter 9, "Implementing Gradient
Descent" / "Using an Optimizer").

Swapping GradientDescentOptimizer for tf.train.MomentumOptimizer(momentum=0.9) is a one-line
change; momentum converges in far fewer epochs. The final MSE comes close to the Normal
Equation's (examples/normal_equation.py).

The book uses the California housing data, which must be downloaded; this example uses
scikit-learn's bundled diabetes dataset (442 patients, 10 features), which needs no network.

Run: python examples/gradient_descent_momentum.py [--epochs 1000] [--learning-rate 0.01]
"""

import argparse

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

import pygraphx as tf

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=1000)
parser.add_argument("--learning-rate", type=float, default=0.01)
args = parser.parse_args()

diabetes = load_diabetes()
m, n = diabetes.data.shape
scaler = StandardScaler()
scaled_diabetes_data = scaler.fit_transform(diabetes.data)
scaled_diabetes_data_plus_bias = np.c_[np.ones((m, 1)), scaled_diabetes_data]

n_epochs = args.epochs
learning_rate = args.learning_rate

X = tf.constant(scaled_diabetes_data_plus_bias, dtype=tf.float32, name="X")
y = tf.constant(diabetes.target.reshape(-1, 1), dtype=tf.float32, name="y")
theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
y_pred = tf.matmul(X, theta, name="predictions")
error = y_pred - y
mse = tf.reduce_mean(tf.square(error), name="mse")
optimizer = tf.train.MomentumOptimizer(learning_rate=learning_rate,
                                       momentum=0.9)
training_op = optimizer.minimize(mse)

init = tf.global_variables_initializer()

with tf.Session() as sess:
    sess.run(init)

    for epoch in range(n_epochs):
        if epoch % 100 == 0:
            print("Epoch", epoch, "MSE =", mse.eval())
        sess.run(training_op)

    best_theta = theta.eval()
    print("Final MSE =", mse.eval())

print("Best theta:")
print(best_theta.ravel())
