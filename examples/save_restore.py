"""Saving and restoring models (chapter 9, "Saving and Restoring Models").

A tf.train.Saver created after the variables saves a checkpoint every 100 epochs and at the end;
a new session restores the final checkpoint instead of running the initializer. A
Saver({"weights": theta}) saves theta under another name, and tf.train.import_meta_graph()
rebuilds the whole graph from the .meta file, where get_tensor_by_name("theta:0") finds the
variable again.

The book uses the California housing data, which must be downloaded; this example uses
scikit-learn's bundled diabetes dataset (442 patients, 10 features), which needs no network.
The book writes to /tmp; this example writes only under --outdir.

Run: python examples/save_restore.py [--outdir DIR] [--epochs 1000]
"""

import argparse
import os
import tempfile

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

import pygraphx as tf

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--outdir", default=os.path.join(tempfile.gettempdir(),
                                                     "pygraphx_examples", "save_restore"))
parser.add_argument("--epochs", type=int, default=1000)
parser.add_argument("--learning-rate", type=float, default=0.01)
args = parser.parse_args()
os.makedirs(args.outdir, exist_ok=True)
model_path = os.path.join(args.outdir, "my_model.ckpt")
final_model_path = os.path.join(args.outdir, "my_model_final.ckpt")

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
optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
training_op = optimizer.minimize(mse)

init = tf.global_variables_initializer()
saver = tf.train.Saver()

with tf.Session() as sess:
    sess.run(init)

    for epoch in range(n_epochs):
        if epoch % 100 == 0:
            print("Epoch", epoch, "MSE =", mse.eval())
            save_path = saver.save(sess, model_path)
        sess.run(training_op)

    best_theta = theta.eval()
    save_path = saver.save(sess, final_model_path)

print("Saved to", save_path)

# Restoring: no initializer, the saver loads every variable's value.
with tf.Session() as sess:
    saver.restore(sess, final_model_path)
    best_theta_restored = theta.eval()

print("Restored theta equals the trained one:", np.allclose(best_theta, best_theta_restored))

# A saver for theta alone, stored under the name "weights".
weights_path = os.path.join(args.outdir, "my_weights.ckpt")
weights_saver = tf.train.Saver({"weights": theta})
with tf.Session() as sess:
    saver.restore(sess, final_model_path)
    weights_saver.save(sess, weights_path)

# Any variable can be loaded from "weights", whatever its own name.
tf.reset_default_graph()
w = tf.Variable(tf.zeros([n + 1, 1]), name="w")
with tf.Session() as sess:
    tf.train.Saver({"weights": w}).restore(sess, weights_path)
    print("Loaded 'weights' into w:", np.allclose(w.eval(), best_theta))

# Rebuilding the graph from the .meta file: no Python code for the model is needed.
tf.reset_default_graph()
saver = tf.train.import_meta_graph(final_model_path + ".meta")
theta = tf.get_default_graph().get_tensor_by_name("theta:0")

with tf.Session() as sess:
    saver.restore(sess, final_model_path)
    best_theta_restored = theta.eval()
    mse = tf.get_default_graph().get_tensor_by_name("mse:0")
    print("MSE of the imported graph =", mse.eval())

print("Imported graph's theta equals the trained one:",
      np.allclose(best_theta, best_theta_restored))
print("Files:", sorted(os.listdir(args.outdir)))
