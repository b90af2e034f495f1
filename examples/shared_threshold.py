"""Sharing variables: four ways to give five ReLUs one threshold variable (chapter 9, "Sharing
Variables", Figures 9-8 and 9-9).

1. The threshold is created first and passed to relu() as a parameter.
2. relu() creates it on its first call and keeps it as a function attribute.
3. It is created by tf.get_variable() in variable scope "relu", and relu() fetches it with
   tf.variable_scope("relu", reuse=True) (or scope.reuse_variables()); the ReLUs' other nodes
   land in the name scopes relu_1/ ... relu_5/ (Figure 9-8).
4. relu() just calls get_variable(); the caller opens variable scope "relu" with reuse=False on
   the first call and reuse=True after it, so relu/threshold lives in the first ReLU's scope
   (Figure 9-9; examples/five_relus.py runs this version on its own).

Each version prints its variables and shows that changing the one threshold changes every ReLU.
Under pygraphx the graphs of versions 3 and 4 are drawn (DOT, and SVG with Graphviz) in OUTDIR.

Run: python examples/shared_threshold.py [--outdir DIR]
"""

import argparse
import os
import shutil
import tempfile

import numpy as np

import pygraphx as tf

try:
    from pygraphx import drawing
except ImportError:  # the same code run under TensorFlow: no drawings
    drawing = None

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--outdir", default=os.path.join(tempfile.gettempdir(),
                                                     "pygraphx_examples", "shared_threshold"))
args = parser.parse_args()
os.makedirs(args.outdir, exist_ok=True)

n_features = 3
batch = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], dtype=np.float32)


def save_drawing(name):
    """Writes the default graph as OUTDIR/<name>.dot, and .svg when Graphviz is installed."""
    if drawing is None:
        return
    graph = tf.get_default_graph()
    with open(os.path.join(args.outdir, name + ".dot"), "w") as f:
        f.write(drawing.to_dot(graph))
    if shutil.which("dot"):
        drawing.render(graph, os.path.join(args.outdir, name + ".svg"))


def show(title, output, X, threshold):
    """Prints the variables, then the output for threshold 0 and after setting it to 1."""
    print(title)
    print("  variables:", [v.op.name for v in tf.global_variables()])
    print("  max ops:", [op.name for op in tf.get_default_graph().get_operations()
                         if op.type == "Maximum"])
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        out0 = output.eval(feed_dict={X: batch})
        sess.run(tf.assign(threshold, 1.0))
        out1 = output.eval(feed_dict={X: batch})
    print("  output with threshold 0:", out0.ravel())
    print("  output with threshold 1:", out1.ravel())


# 1. A shared variable passed as a parameter.
tf.reset_default_graph()
tf.set_random_seed(42)


def relu(X, threshold):
    with tf.name_scope("relu"):
        w_shape = (int(X.get_shape()[1]), 1)
        w = tf.Variable(tf.random_normal(w_shape), name="weights")
        b = tf.Variable(0.0, name="bias")
        z = tf.add(tf.matmul(X, w), b, name="z")
        return tf.maximum(z, threshold, name="max")


threshold = tf.Variable(0.0, name="threshold")
X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
relus = [relu(X, threshold) for i in range(5)]
output = tf.add_n(relus, name="output")
show("1. threshold passed as a parameter", output, X, threshold)

# 2. A function attribute created on the first call.
tf.reset_default_graph()
tf.set_random_seed(42)


def relu(X):
    with tf.name_scope("relu"):
        if not hasattr(relu, "threshold"):
            relu.threshold = tf.Variable(0.0, name="threshold")
        w_shape = int(X.get_shape()[1]), 1
        w = tf.Variable(tf.random_normal(w_shape), name="weights")
        b = tf.Variable(0.0, name="bias")
        z = tf.add(tf.matmul(X, w), b, name="z")
        return tf.maximum(z, relu.threshold, name="max")


X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
relus = [relu(X) for i in range(5)]
output = tf.add_n(relus, name="output")
show("2. threshold as a function attribute", output, X, relu.threshold)

# 3. get_variable() in variable scope "relu", reused inside relu().
tf.reset_default_graph()
tf.set_random_seed(42)


def relu(X):
    with tf.variable_scope("relu", reuse=True):
        threshold = tf.get_variable("threshold")
        w_shape = int(X.get_shape()[1]), 1
        w = tf.Variable(tf.random_normal(w_shape), name="weights")
        b = tf.Variable(0.0, name="bias")
        z = tf.add(tf.matmul(X, w), b, name="z")
        return tf.maximum(z, threshold, name="max")


X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
with tf.variable_scope("relu"):
    threshold = tf.get_variable("threshold", shape=(),
                                initializer=tf.constant_initializer(0.0))
relus = [relu(X) for relu_index in range(5)]
output = tf.add_n(relus, name="output")

# The same variable, fetched again with reuse_variables().
with tf.variable_scope("relu") as scope:
    scope.reuse_variables()
    print("reuse_variables() finds the same variable:",
          tf.get_variable("threshold") is threshold)

save_drawing("shared_threshold_3")
show("3. get_variable() with reuse=True inside relu()", output, X, threshold)

# 4. relu() creates the threshold on the first call and reuses it on the next four.
tf.reset_default_graph()
tf.set_random_seed(42)


def relu(X):
    threshold = tf.get_variable("threshold", shape=(),
                                initializer=tf.constant_initializer(0.0))
    w_shape = (int(X.get_shape()[1]), 1)
    w = tf.Variable(tf.random_normal(w_shape), name="weights")
    b = tf.Variable(0.0, name="bias")
    z = tf.add(tf.matmul(X, w), b, name="z")
    return tf.maximum(z, threshold, name="max")


X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
relus = []
for relu_index in range(5):
    with tf.variable_scope("relu", reuse=(relu_index >= 1)) as scope:
        relus.append(relu(X))
output = tf.add_n(relus, name="output")
threshold = tf.get_default_graph().get_tensor_by_name("relu/threshold:0")
save_drawing("shared_threshold_4")
show("4. get_variable() inside relu(), reuse=(relu_index >= 1)", output, X,
     threshold)

print("Written under", args.outdir, ":", sorted(os.listdir(args.outdir)))
