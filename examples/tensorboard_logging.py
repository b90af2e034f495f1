"""Visualizing the graph and training curves with TensorBoard, and name scopes (chapter 9,
"Visualizing the Graph and Training Curves Using TensorBoard" and "Name Scopes").

Mini-batch gradient descent as in examples/minibatch_gradient_descent.py, with the error and the
MSE inside name scope "loss" (their ops are named loss/sub and loss/mse, and TensorBoard folds
them into one box). A FileWriter writes the graph and, every 10 mini-batches (here, with 5
mini-batches per epoch, at each epoch's first), the MSE summary to a log directory named after
the current time; point TensorBoard at it (tensorboard --logdir OUTDIR/tf_logs) to see the graph
and the MSE curve.

The book uses the California housing data, which must be downloaded; this example uses
scikit-learn's bundled diabetes dataset (442 patients, 10 features), which needs no network.
The book logs to ./tf_logs; this example writes only under --outdir.

Run: python examples/tensorboard_logging.py [--outdir DIR] [--epochs 100] [--batch-size 100]
"""

import argparse
import os
import tempfile
from datetime import datetime, timezone

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

import pygraphx as tf

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--outdir", default=os.path.join(tempfile.gettempdir(),
                                                     "pygraphx_examples", "tensorboard"))
parser.add_argument("--epochs", type=int, default=100)
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--learning-rate", type=float, default=0.01)
args = parser.parse_args()

now = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
root_logdir = os.path.join(args.outdir, "tf_logs")
logdir = "{}/run-{}/".format(root_logdir, now)

diabetes = load_diabetes()
m, n = diabetes.data.shape
scaler = StandardScaler()
scaled_diabetes_data = scaler.fit_transform(diabetes.data)
scaled_diabetes_data_plus_bias = np.c_[np.ones((m, 1)), scaled_diabetes_data]

n_epochs = args.epochs
learning_rate = args.learning_rate

X = tf.placeholder(tf.float32, shape=(None, n + 1), name="X")
y = tf.placeholder(tf.float32, shape=(None, 1), name="y")
theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
y_pred = tf.matmul(X, theta, name="predictions")
with tf.name_scope("loss") as scope:
    error = y_pred - y
    mse = tf.reduce_mean(tf.square(error), name="mse")
optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
training_op = optimizer.minimize(mse)

init = tf.global_variables_initializer()

mse_summary = tf.summary.scalar('MSE', mse)
file_writer = tf.summary.FileWriter(logdir, tf.get_default_graph())

print(error.op.name)
print(mse.op.name)

batch_size = args.batch_size
n_batches = int(np.ceil(m / batch_size))


def fetch_batch(epoch, batch_index, batch_size):
    np.random.seed(epoch * n_batches + batch_index)
    indices = np.random.randint(m, size=batch_size)
    X_batch = scaled_diabetes_data_plus_bias[indices]
    y_batch = diabetes.target.reshape(-1, 1)[indices]
    return X_batch, y_batch


n_summaries = 0
with tf.Session() as sess:
    sess.run(init)

    for epoch in range(n_epochs):
        for batch_index in range(n_batches):
            X_batch, y_batch = fetch_batch(epoch, batch_index, batch_size)
            if batch_index % 10 == 0:
                summary_str = mse_summary.eval(feed_dict={X: X_batch, y: y_batch})
                step = epoch * n_batches + batch_index
                file_writer.add_summary(summary_str, step)
                n_summaries += 1
            sess.run(training_op, feed_dict={X: X_batch, y: y_batch})

    best_theta = theta.eval()
    print("Final MSE =", mse.eval(feed_dict={X: scaled_diabetes_data_plus_bias,
                                             y: diabetes.target.reshape(-1, 1)}))

file_writer.close()

print("Wrote %d MSE summaries and the graph to %s" % (n_summaries, logdir))
print("Event files:", sorted(f for f in os.listdir(logdir) if "tfevents" in f))
print("Best theta:")
print(best_theta.ravel())
