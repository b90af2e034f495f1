"""Logistic regression with mini-batch gradient descent on the moons dataset: the last exercise
of chapter 9 ("Exercises", 12).

The graph is built by a reusable logistic_regression() function, with name scopes for the
model, the training step, the initializer and the saver. Training saves a checkpoint every
--checkpoint-every epochs, with the next epoch's number in a file next to it; when the program
is interrupted and run again, it restores the checkpoint and continues from that epoch. The test
set's log loss is written for TensorBoard every epoch (OUTDIR/tf_logs), a progress bar follows
the epochs, and the trained model is evaluated with precision, recall and accuracy.

The inputs get the extra features x1^2, x2^2, x1^3 and x2^3, which let a linear model draw a
curved boundary between the two moons. The data comes from scikit-learn's make_moons (no
download needed). Everything is written under --outdir.

Run: python examples/logistic_regression_moons.py [--outdir DIR] [--epochs 1001]
         [--learning-rate 0.01] [--batch-size 50] [--checkpoint-every 100]
"""

import argparse
import os
import tempfile
from datetime import datetime, timezone

import numpy as np
from sklearn.datasets import make_moons
from sklearn.metrics import accuracy_score, precision_score, recall_score
from tqdm import tqdm

import pygraphx as tf

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--outdir", default=os.path.join(tempfile.gettempdir(),
                                                     "pygraphx_examples", "logreg_moons"))
parser.add_argument("--epochs", type=int, default=1001)
parser.add_argument("--learning-rate", type=float, default=0.01)
parser.add_argument("--batch-size", type=int, default=50)
parser.add_argument("--checkpoint-every", type=int, default=100)
args = parser.parse_args()
os.makedirs(args.outdir, exist_ok=True)

m = 1000
X_moons, y_moons = make_moons(m, noise=0.1, random_state=42)
X_moons_with_bias = np.c_[np.ones((m, 1)), X_moons]
y_moons_column_vector = y_moons.reshape(-1, 1)

test_ratio = 0.2
test_size = int(m * test_ratio)
X_train = X_moons_with_bias[:-test_size]
X_test = X_moons_with_bias[-test_size:]
y_train = y_moons_column_vector[:-test_size]
y_test = y_moons_column_vector[-test_size:]

# Extra features: squares and cubes of x1 and x2 (the bias column is column 0).
X_train_enhanced = np.c_[X_train,
                         np.square(X_train[:, 1]),
                         np.square(X_train[:, 2]),
                         X_train[:, 1] ** 3,
                         X_train[:, 2] ** 3]
X_test_enhanced = np.c_[X_test,
                        np.square(X_test[:, 1]),
                        np.square(X_test[:, 2]),
                        X_test[:, 1] ** 3,
                        X_test[:, 2] ** 3]


def random_batch(X_train, y_train, batch_size):
    rnd_indices = np.random.randint(0, len(X_train), batch_size)
    X_batch = X_train[rnd_indices]
    y_batch = y_train[rnd_indices]
    return X_batch, y_batch


def log_dir(prefix=""):
    now = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    root_logdir = os.path.join(args.outdir, "tf_logs")
    if prefix:
        prefix += "-"
    name = prefix + "run-" + now
    return "{}/{}/".format(root_logdir, name)


def logistic_regression(X, y, initializer=None, seed=42, learning_rate=0.01):
    n_inputs_including_bias = int(X.get_shape()[1])
    with tf.name_scope("logistic_regression"):
        with tf.name_scope("model"):
            if initializer is None:
                initializer = tf.random_uniform([n_inputs_including_bias, 1], -1.0, 1.0,
                                                seed=seed)
            theta = tf.Variable(initializer, name="theta")
            logits = tf.matmul(X, theta, name="logits")
            y_proba = tf.sigmoid(logits)
        with tf.name_scope("train"):
            loss = tf.losses.log_loss(y, y_proba, scope="loss")
            optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
            training_op = optimizer.minimize(loss)
            loss_summary = tf.summary.scalar('log_loss', loss)
        with tf.name_scope("init"):
            init = tf.global_variables_initializer()
        with tf.name_scope("save"):
            saver = tf.train.Saver()
    return y_proba, loss, training_op, loss_summary, init, saver


n_inputs = 2 + 4
logdir = log_dir("logreg")

X = tf.placeholder(tf.float32, shape=(None, n_inputs + 1), name="X")
y = tf.placeholder(tf.float32, shape=(None, 1), name="y")

y_proba, loss, training_op, loss_summary, init, saver = logistic_regression(
    X, y, learning_rate=args.learning_rate)

file_writer = tf.summary.FileWriter(logdir, tf.get_default_graph())

n_epochs = args.epochs
batch_size = args.batch_size
n_batches = int(np.ceil(m / batch_size))

checkpoint_path = os.path.join(args.outdir, "my_logreg_model.ckpt")
checkpoint_epoch_path = checkpoint_path + ".epoch"
final_model_path = os.path.join(args.outdir, "my_logreg_model")

np.random.seed(42)

with tf.Session() as sess:
    if os.path.isfile(checkpoint_epoch_path):
        # if the checkpoint file exists, restore the model and load the epoch number
        with open(checkpoint_epoch_path, "rb") as f:
            start_epoch = int(f.read())
        print("Training was interrupted. Continuing at epoch", start_epoch, flush=True)
        saver.restore(sess, checkpoint_path)
    else:
        start_epoch = 0
        sess.run(init)

    for epoch in tqdm(range(start_epoch, n_epochs), desc="epochs", initial=start_epoch,
                      total=n_epochs):
        for _ in range(n_batches):
            X_batch, y_batch = random_batch(X_train_enhanced, y_train, batch_size)
            sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
        loss_val, summary_str = sess.run([loss, loss_summary],
                                         feed_dict={X: X_test_enhanced, y: y_test})
        file_writer.add_summary(summary_str, epoch)
        if epoch % args.checkpoint_every == 0:
            saver.save(sess, checkpoint_path)
            with open(checkpoint_epoch_path, "wb") as f:
                f.write(b"%d" % (epoch + 1))
            tqdm.write("Epoch: %d\tLoss: %s\t(checkpoint saved)" % (epoch, loss_val))

    saver.save(sess, final_model_path)
    y_proba_val = y_proba.eval(feed_dict={X: X_test_enhanced, y: y_test})
    os.remove(checkpoint_epoch_path)

file_writer.close()

y_pred = (y_proba_val >= 0.5)
print("Precision:", precision_score(y_test, y_pred))
print("Recall:", recall_score(y_test, y_pred))
print("Accuracy:", accuracy_score(y_test, y_pred))
