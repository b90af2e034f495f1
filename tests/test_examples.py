"""The chapter-9 examples in examples/, each run as a user would: a subprocess with this
interpreter and environment, small settings, assertions on what it prints and writes.

The gradient-descent examples must end within 1% of the Normal Equation's MSE (as printed by
examples/normal_equation.py); the moons exercise must reach 0.85 test accuracy and resume from
its last checkpoint after being killed.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, List

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RUN_TIMEOUT_S = 120


def run_example(name: str, *args: str, cwd: Path) -> str:
    """Runs examples/<name> and returns its stdout; fails with its output if it fails."""
    proc = subprocess.run([sys.executable, str(EXAMPLES / name), *args], cwd=str(cwd),
                          capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                          env=dict(os.environ), check=False)
    assert proc.returncode == 0, "%s failed:\n%s\n%s" % (name, proc.stdout, proc.stderr)
    return proc.stdout


def value_after(label: str, out: str) -> float:
    """The number printed after ``label`` (the last occurrence)."""
    found = re.findall(re.escape(label) + r"\s*([-+0-9.eE]+)", out)
    assert found, "no %r in output:\n%s" % (label, out)
    return float(found[-1])


def epoch_mses(out: str) -> List[float]:
    return [float(v) for v in re.findall(r"^Epoch \d+ MSE = ([-+0-9.eE]+)$", out, re.M)]


@pytest.fixture(scope="module")
def normal_equation_mse(tmp_path_factory) -> float:
    out = run_example("normal_equation.py", cwd=tmp_path_factory.mktemp("normal_equation"))
    return value_after("MSE =", out)


# Outputs shared between tests (the batch gradient-descent variants are compared to each other).
_outputs: Dict[str, str] = {}


def test_normal_equation(tmp_path):
    out = run_example("normal_equation.py", cwd=tmp_path)
    assert "Agrees with scikit-learn: True" in out
    assert value_after("Largest difference from NumPy, relative to |theta|:", out) < 1e-3
    # Ordinary least squares on the diabetes data: a known MSE (about 2859.70).
    assert abs(value_after("MSE =", out) - 2859.70) < 0.1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", [
    "gradient_descent_manual.py",
    "gradient_descent_autodiff.py",
    "gradient_descent_optimizer.py",
    "gradient_descent_momentum.py",
])
def test_batch_gradient_descent_reaches_the_normal_equation(name, tmp_path,
                                                            normal_equation_mse):
    out = run_example(name, "--epochs", "500", cwd=tmp_path)
    mses = epoch_mses(out)
    assert len(mses) == 5 and all(b < a for a, b in zip(mses, mses[1:]))
    final = value_after("Final MSE =", out)
    assert final == pytest.approx(normal_equation_mse, rel=0.01)
    assert list(tmp_path.iterdir()) == []
    _outputs[name] = out


def test_autodiff_and_optimizer_follow_the_manual_gradients(tmp_path):
    # Same step, different ways to build it: the trajectories agree.
    names = ["gradient_descent_manual.py", "gradient_descent_autodiff.py",
             "gradient_descent_optimizer.py"]
    finals = []
    for name in names:
        out = _outputs.get(name) or run_example(name, "--epochs", "500", cwd=tmp_path)
        finals.append(epoch_mses(out) + [value_after("Final MSE =", out)])
    for other in finals[1:]:
        assert other == pytest.approx(finals[0], rel=1e-4)


def test_minibatch_gradient_descent(tmp_path, normal_equation_mse):
    out = run_example("minibatch_gradient_descent.py", "--epochs", "100", cwd=tmp_path)
    assert "[[6. 7. 8.]]\n[[ 9. 10. 11.]\n [12. 13. 14.]]\n" in out
    assert value_after("Final MSE =", out) == pytest.approx(normal_equation_mse, rel=0.01)
    assert list(tmp_path.iterdir()) == []


def test_save_restore(tmp_path, normal_equation_mse):
    outdir = tmp_path / "out"
    out = run_example("save_restore.py", "--outdir", str(outdir), "--epochs", "500",
                      cwd=tmp_path)
    assert "Restored theta equals the trained one: True" in out
    assert "Loaded 'weights' into w: True" in out
    assert "Imported graph's theta equals the trained one: True" in out
    assert value_after("MSE of the imported graph =", out) == pytest.approx(
        normal_equation_mse, rel=0.01)
    files = os.listdir(outdir)
    for stem in ("my_model.ckpt", "my_model_final.ckpt", "my_weights.ckpt"):
        assert stem + ".meta" in files
    assert os.listdir(tmp_path) == ["out"]


def test_tensorboard_logging(tmp_path, normal_equation_mse):
    outdir = tmp_path / "out"
    out = run_example("tensorboard_logging.py", "--outdir", str(outdir), "--epochs", "100",
                      cwd=tmp_path)
    assert out.splitlines()[:2] == ["loss/sub", "loss/mse"]
    assert "Wrote 100 MSE summaries" in out
    runs = list((outdir / "tf_logs").iterdir())
    assert len(runs) == 1 and re.fullmatch(r"run-\d{14}", runs[0].name)
    assert any("tfevents" in f.name for f in runs[0].iterdir())
    assert value_after("Final MSE =", out) == pytest.approx(normal_equation_mse, rel=0.01)
    assert os.listdir(tmp_path) == ["out"]


def _clusters(dot_text: str) -> List[str]:
    return re.findall(r'^  subgraph "cluster_([^"/]*)" \{$', dot_text, re.M)


def test_modular_relu(tmp_path):
    outdir = tmp_path / "out"
    out = run_example("modular_relu.py", "--outdir", str(outdir), cwd=tmp_path)
    sections = out.split("relu() version")
    # Without a scope, the repeated names are uniquified ...
    assert " weights_4 " in sections[1] and " z_4 " in sections[1] and " relu_4/y " in sections[1]
    # ... and with one, each ReLU has its own scope (TF1's names).
    assert "The five ReLUs' max ops: ['relu/max', 'relu_1/max', 'relu_2/max', 'relu_3/max', " \
           "'relu_4/max']" in out
    outputs = re.findall(r"^output: \[(.*)\]$", out, re.M)
    assert len(outputs) == 3 and outputs[1] == outputs[2]   # same seeds, same weights
    assert sorted(os.listdir(outdir / "logs")) == ["relu1", "relu2"]
    assert _clusters((outdir / "relu2.dot").read_text()) == [
        "relu", "relu_1", "relu_2", "relu_3", "relu_4"]
    assert _clusters((outdir / "relu1.dot").read_text())[:3] == [
        "random_normal", "weights", "bias"]
    assert os.listdir(tmp_path) == ["out"]


# The variables of each version, as TF1 names them.
SHARED_THRESHOLD_VARIABLES = [
    ["threshold"] + ["%s/%s" % (s, v) for s in ("relu", "relu_1", "relu_2", "relu_3", "relu_4")
                     for v in ("weights", "bias")],
    ["relu/threshold"] + ["%s/%s" % (s, v)
                          for s in ("relu", "relu_1", "relu_2", "relu_3", "relu_4")
                          for v in ("weights", "bias")],
    ["relu/threshold"] + ["%s/%s" % (s, v)
                          for s in ("relu_1", "relu_2", "relu_3", "relu_4", "relu_5")
                          for v in ("weights", "bias")],
    ["relu/threshold"] + ["%s/%s" % (s, v)
                          for s in ("relu", "relu_1", "relu_2", "relu_3", "relu_4")
                          for v in ("weights", "bias")],
]


def test_shared_threshold(tmp_path):
    outdir = tmp_path / "out"
    out = run_example("shared_threshold.py", "--outdir", str(outdir), cwd=tmp_path)
    variables = re.findall(r"^  variables: (\[.*\])$", out, re.M)
    assert [ast.literal_eval(v) for v in variables] == SHARED_THRESHOLD_VARIABLES
    assert "reuse_variables() finds the same variable: True" in out
    # The same seeds give the same weights in every version; raising the shared threshold
    # raises every ReLU's floor, so the output cannot go down.
    at0 = re.findall(r"^  output with threshold 0: \[(.*)\]$", out, re.M)
    at1 = re.findall(r"^  output with threshold 1: \[(.*)\]$", out, re.M)
    assert len(set(at0)) == 1 and len(set(at1)) == 1 and len(at0) == 4
    lo = [float(v) for v in at0[0].split()]
    hi = [float(v) for v in at1[0].split()]
    assert all(h >= low + 1e-6 for h, low in zip(hi, lo))
    dot3 = (outdir / "shared_threshold_3.dot").read_text()
    assert _clusters(dot3) == ["relu", "relu_1", "relu_2", "relu_3", "relu_4", "relu_5"]
    dot4 = (outdir / "shared_threshold_4.dot").read_text()
    assert _clusters(dot4) == ["relu", "relu_1", "relu_2", "relu_3", "relu_4"]
    assert os.listdir(tmp_path) == ["out"]


def test_five_relus(tmp_path):
    out = run_example("five_relus.py", cwd=tmp_path)
    assert re.search(r"^  relu/threshold:0 +shape=\(\)$", out, re.M)
    assert re.search(r"^  relu_4/max +Maximum$", out, re.M)
    assert "With relu/threshold = 1.0:" in out
    assert list(tmp_path.iterdir()) == []


MOONS_ARGS = ("--learning-rate", "0.1", "--checkpoint-every", "10")


def _moons_scores(out: str) -> Dict[str, float]:
    return {k: value_after(k + ":", out) for k in ("Precision", "Recall", "Accuracy")}


def test_logistic_regression_moons(tmp_path):
    outdir = tmp_path / "out"
    out = run_example("logistic_regression_moons.py", "--outdir", str(outdir),
                      "--epochs", "40", *MOONS_ARGS, cwd=tmp_path)
    assert "interrupted" not in out
    scores = _moons_scores(out)
    assert scores["Accuracy"] >= 0.85
    assert scores["Precision"] >= 0.8 and scores["Recall"] >= 0.8
    assert re.findall(r"^Epoch: (\d+)\t", out, re.M) == ["0", "10", "20", "30"]
    files = os.listdir(outdir)
    assert "my_logreg_model.meta" in files and "my_logreg_model.ckpt.meta" in files
    assert "my_logreg_model.ckpt.epoch" not in files      # removed once training finished
    (run,) = (outdir / "tf_logs").iterdir()
    assert re.fullmatch(r"logreg-run-\d{14}", run.name)
    assert os.listdir(tmp_path) == ["out"]


def test_logistic_regression_moons_resumes_after_being_killed(tmp_path):
    outdir = tmp_path / "out"
    cmd = [sys.executable, "-u", str(EXAMPLES / "logistic_regression_moons.py"),
           "--outdir", str(outdir), *MOONS_ARGS]
    # A run far too long to finish, killed once it has saved a checkpoint past epoch 0.
    with open(tmp_path / "stderr.txt", "w") as err, subprocess.Popen(
            cmd + ["--epochs", "1000000"], cwd=str(tmp_path), stdout=subprocess.PIPE,
            stderr=err, text=True) as proc:
        watchdog = threading.Timer(RUN_TIMEOUT_S, proc.kill)
        watchdog.start()
        saved = []
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                m = re.match(r"Epoch: (\d+)\t.*checkpoint saved", line)
                if m:
                    saved.append(int(m.group(1)))
                    if saved[-1] >= 10:
                        break
        finally:
            proc.kill()
            proc.wait()
            watchdog.cancel()
    assert saved[:2] == [0, 10], (tmp_path / "stderr.txt").read_text()
    epoch_file = outdir / "my_logreg_model.ckpt.epoch"
    start = int(epoch_file.read_text())
    assert start >= 11 and (start - 1) % 10 == 0      # the epoch after a saved one

    out = run_example("logistic_regression_moons.py", "--outdir", str(outdir),
                      "--epochs", "40", *MOONS_ARGS, cwd=tmp_path)
    assert out.splitlines()[0] == "Training was interrupted. Continuing at epoch %d" % start
    later = [int(e) for e in re.findall(r"^Epoch: (\d+)\t", out, re.M)]
    assert later and min(later) >= start
    assert _moons_scores(out)["Accuracy"] >= 0.85
    assert not epoch_file.exists()
