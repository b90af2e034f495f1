"""Linear regression with the Normal Equation (chapter 9, "Linear Regression with TensorFlow").

theta = (X^T X)^-1 X^T y computed by a TensorFlow graph, then checked against NumPy and
scikit-learn's LinearRegression.

The book uses the California housing data, which must be downloaded; this example uses
scikit-learn's bundled diabetes dataset (442 patients, 10 features), which needs no network.

Run: python examples/normal_equation.py
"""

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression

import pygraphx as tf

diabetes = load_diabetes()
m, n = diabetes.data.shape
diabetes_data_plus_bias = np.c_[np.ones((m, 1)), diabetes.data]

X = tf.constant(diabetes_data_plus_bias, dtype=tf.float32, name="X")
y = tf.constant(diabetes.target.reshape(-1, 1), dtype=tf.float32, name="y")
XT = tf.transpose(X)
theta = tf.matmul(tf.matmul(tf.matrix_inverse(tf.matmul(XT, X)), XT), y)

with tf.Session() as sess:
    theta_value = theta.eval()

print("theta (TensorFlow graph):")
print(theta_value.ravel())

# The same with NumPy (float64)...
X_np = diabetes_data_plus_bias
y_np = diabetes.target.reshape(-1, 1)
theta_numpy = np.linalg.inv(X_np.T.dot(X_np)).dot(X_np.T).dot(y_np)
print("theta (NumPy):")
print(theta_numpy.ravel())

# ... and with scikit-learn.
lin_reg = LinearRegression()
lin_reg.fit(diabetes.data, diabetes.target.reshape(-1, 1))
theta_sklearn = np.r_[lin_reg.intercept_.reshape(-1, 1), lin_reg.coef_.T]
print("theta (scikit-learn):")
print(theta_sklearn.ravel())

mse = np.mean((X_np.dot(theta_value) - y_np) ** 2)
print("MSE =", mse)
print("Largest difference from NumPy, relative to |theta|:",
      np.max(np.abs(theta_value - theta_numpy)) / np.max(np.abs(theta_numpy)))
print("Agrees with scikit-learn:", np.allclose(theta_value, theta_sklearn, rtol=1e-3, atol=1e-2))
