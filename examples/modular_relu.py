"""Modularity: a relu() function called five times, then the same inside a name scope
(chapter 9, "Modularity" and the start of "Sharing Variables", Figures 9-6 and 9-7).

Without a name scope the five ReLUs' nodes come out uniquified as weights, weights_1, ...,
z, z_1, ...; with relu() inside tf.name_scope("relu") every ReLU gets its own scope relu,
relu_1, ..., relu_4, which TensorBoard (and pygraphx.drawing) draws as one box each. Both graphs
are written for TensorBoard (OUTDIR/logs/relu1 and relu2) and, under pygraphx, drawn as DOT and
(with Graphviz installed) SVG files in OUTDIR.

Run: python examples/modular_relu.py [--outdir DIR]
"""

import argparse
import os
import shutil
import tempfile

import pygraphx as tf

try:
    from pygraphx import drawing
except ImportError:  # the same code run under TensorFlow: no drawings
    drawing = None

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--outdir", default=os.path.join(tempfile.gettempdir(),
                                                     "pygraphx_examples", "modular_relu"))
args = parser.parse_args()
os.makedirs(args.outdir, exist_ok=True)


def save_drawing(name):
    """Writes the default graph as OUTDIR/<name>.dot, and .svg when Graphviz is installed."""
    if drawing is None:
        return
    graph = tf.get_default_graph()
    with open(os.path.join(args.outdir, name + ".dot"), "w") as f:
        f.write(drawing.to_dot(graph))
    if shutil.which("dot"):
        drawing.render(graph, os.path.join(args.outdir, name + ".svg"))


def show(output, X):
    """Prints the graph's op names and the output for a small batch."""
    ops = [op.name for op in tf.get_default_graph().get_operations()]
    print("%d operations:" % len(ops), " ".join(ops))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("output:", output.eval(feed_dict={X: [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]}).ravel())


n_features = 3

# Copy-and-paste code: easy to get wrong (relu2 uses z1 -- did you spot it?).
tf.reset_default_graph()
tf.set_random_seed(42)

X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")

w1 = tf.Variable(tf.random_normal((n_features, 1)), name="weights1")
w2 = tf.Variable(tf.random_normal((n_features, 1)), name="weights2")
b1 = tf.Variable(0.0, name="bias1")
b2 = tf.Variable(0.0, name="bias2")

z1 = tf.add(tf.matmul(X, w1), b1, name="z1")
z2 = tf.add(tf.matmul(X, w2), b2, name="z2")

relu1 = tf.maximum(z1, 0., name="relu1")
relu2 = tf.maximum(z1, 0., name="relu2")  # Oops, cut&paste error! Did you spot it?

output = tf.add(relu1, relu2, name="output")
print("Copy-and-paste version")
show(output, X)

# A relu() function: the repeated names are made unique.
tf.reset_default_graph()
tf.set_random_seed(42)


def relu(X):
    w_shape = (int(X.get_shape()[1]), 1)
    w = tf.Variable(tf.random_normal(w_shape), name="weights")
    b = tf.Variable(0.0, name="bias")
    z = tf.add(tf.matmul(X, w), b, name="z")
    return tf.maximum(z, 0., name="relu")


X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
relus = [relu(X) for i in range(5)]
output = tf.add_n(relus, name="output")

file_writer = tf.summary.FileWriter(os.path.join(args.outdir, "logs", "relu1"),
                                    tf.get_default_graph())
file_writer.close()
print("relu() version")
save_drawing("relu1")
show(output, X)

# The same inside a name scope: one scope per ReLU (Figure 9-7).
tf.reset_default_graph()
tf.set_random_seed(42)


def relu(X):
    with tf.name_scope("relu"):
        w_shape = (int(X.get_shape()[1]), 1)
        w = tf.Variable(tf.random_normal(w_shape), name="weights")
        b = tf.Variable(0.0, name="bias")
        z = tf.add(tf.matmul(X, w), b, name="z")
        return tf.maximum(z, 0., name="max")


X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
relus = [relu(X) for i in range(5)]
output = tf.add_n(relus, name="output")

file_writer = tf.summary.FileWriter(os.path.join(args.outdir, "logs", "relu2"),
                                    tf.get_default_graph())
file_writer.close()
print("Name-scoped version")
save_drawing("relu2")
show(output, X)

print("The five ReLUs' max ops:", [r.op.name for r in relus])
print("Written under", args.outdir, ":", sorted(os.listdir(args.outdir)))
