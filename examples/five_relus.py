"""Five ReLUs sharing one threshold variable: the final listing of "Sharing Variables".

The threshold is created by get_variable on the first call of relu() (reuse=False) and reused by
the next four (reuse=True), so the graph holds one variable ``relu/threshold`` while the ReLUs'
other nodes land in the name scopes ``relu/``, ``relu_1/`` ... ``relu_4/``.

Run: python examples/five_relus.py
"""

import numpy as np

import pygraphx as tf

n_features = 3


def relu(X):
    threshold = tf.get_variable("threshold", shape=(),
                                initializer=tf.constant_initializer(0.0))
    w_shape = (int(X.get_shape()[1]), 1)
    w = tf.Variable(tf.random_normal(w_shape), name="weights")
    b = tf.Variable(0.0, name="bias")
    z = tf.add(tf.matmul(X, w), b, name="z")
    return tf.maximum(z, threshold, name="max")


def main() -> None:
    tf.reset_default_graph()
    tf.set_random_seed(42)
    X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
    relus = []
    for relu_index in range(5):
        with tf.variable_scope("relu", reuse=(relu_index >= 1)) as scope:  # noqa: F841 (the book's code)
            relus.append(relu(X))
    output = tf.add_n(relus, name="output")

    graph = tf.get_default_graph()
    print("Operations:")
    for op in graph.get_operations():
        print("  %-28s %s" % (op.name, op.type))
    print("Variables:")
    for v in tf.global_variables():
        print("  %-28s shape=%s" % (v.name, v.shape))

    batch = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        print("Output for a batch of %d rows:" % len(batch))
        print(output.eval(feed_dict={X: batch}))
        # The shared threshold can be changed at run time; every ReLU sees the new value.
        threshold = graph.get_tensor_by_name("relu/threshold:0")
        sess.run(tf.assign(threshold, 1.0))
        print("With relu/threshold = 1.0:")
        print(sess.run(output, feed_dict={X: batch}))


if __name__ == "__main__":
    main()
