"""Feeding data to the training algorithm: placeholders and mini-batch gradient descent
(chapter 9, "Feeding Data to the Training Algorithm").

First a placeholder A with an unknown number of rows is fed one row, then two; then X and y
become placeholders and each training step feeds a mini-batch picked by fetch_batch(). The MSE
over the whole dataset ends close to the Normal Equation's (examples/normal_equation.py).

The book uses the California housing data, which must be downloaded; this example uses
scikit-learn's bundled diabetes dataset (442 patients, 10 features), which needs no network.
With 442 rows an epoch is only 5 mini-batches of 100, so it runs more epochs than the book's 10.

Run: python examples/minibatch_gradient_descent.py [--epochs 400] [--batch-size 100]
"""

import argparse

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

import pygraphx as tf

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=400)
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--learning-rate", type=float, default=0.01)
args = parser.parse_args()

# Placeholders: the first dimension (None) takes any number of rows.
A = tf.placeholder(tf.float32, shape=(None, 3))
B = A + 5
with tf.Session() as sess:
    B_val_1 = B.eval(feed_dict={A: [[1, 2, 3]]})
    B_val_2 = B.eval(feed_dict={A: [[4, 5, 6], [7, 8, 9]]})

print(B_val_1)
print(B_val_2)

# Mini-batch gradient descent.
tf.reset_default_graph()

diabetes = load_diabetes()
m, n = diabetes.data.shape
scaler = StandardScaler()
scaled_diabetes_data = scaler.fit_transform(diabetes.data)
scaled_diabetes_data_plus_bias = np.c_[np.ones((m, 1)), scaled_diabetes_data]

learning_rate = args.learning_rate

X = tf.placeholder(tf.float32, shape=(None, n + 1), name="X")
y = tf.placeholder(tf.float32, shape=(None, 1), name="y")
theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
y_pred = tf.matmul(X, theta, name="predictions")
error = y_pred - y
mse = tf.reduce_mean(tf.square(error), name="mse")
optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
training_op = optimizer.minimize(mse)

init = tf.global_variables_initializer()

n_epochs = args.epochs
batch_size = args.batch_size
n_batches = int(np.ceil(m / batch_size))


def fetch_batch(epoch, batch_index, batch_size):
    np.random.seed(epoch * n_batches + batch_index)
    indices = np.random.randint(m, size=batch_size)
    X_batch = scaled_diabetes_data_plus_bias[indices]
    y_batch = diabetes.target.reshape(-1, 1)[indices]
    return X_batch, y_batch


with tf.Session() as sess:
    sess.run(init)

    for epoch in range(n_epochs):
        for batch_index in range(n_batches):
            X_batch, y_batch = fetch_batch(epoch, batch_index, batch_size)
            sess.run(training_op, feed_dict={X: X_batch, y: y_batch})

    best_theta = theta.eval()
    # Any tensor can be evaluated on the whole dataset by feeding all of it.
    print("Final MSE =", mse.eval(feed_dict={X: scaled_diabetes_data_plus_bias,
                                             y: diabetes.target.reshape(-1, 1)}))

print("Best theta:")
print(best_theta.ravel())
