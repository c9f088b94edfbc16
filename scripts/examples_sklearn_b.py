"""scikit-learn reference figures for the examples binary-as-k2, ovr-vs-multinomial and optimizers
(examples/*.ts store them as constants next to a comment naming this script).

Run with Debian's scientific Python and the machine's OpenBLAS overrides removed:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/examples_sklearn_b.py [binary|ovr|optimizers]
Reads data/*_train.csv / *_test.csv (the built-in fixed splits), standardizes on the training rows
(population std, as the library's scale 'standard'), prints one JSON line per figure. Not part of npm test.
"""
import json, sys, time
import numpy as np
from sklearn import __version__ as sklearn_version
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, brier_score_loss


def read(name):
    def one(path):
        d = np.loadtxt(path, delimiter=',', skiprows=1)
        return d[:, :-1], d[:, -1].astype(int)
    X, y = one(f'data/{name}_train.csv')
    Xt, yt = one(f'data/{name}_test.csv')
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1
    return (X - mean) / scale, y, (Xt - mean) / scale, yt


def ece(y, P, bins=10):
    # Top-label expected calibration error, the library's definition (calibrationBins): equal-width bins
    # (b/B, (b+1)/B] on the max probability, sum_b (n_b / n) |accuracy_b - confidence_b|.
    conf = P.max(axis=1)
    correct = (P.argmax(axis=1) == y).astype(float)
    idx = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() / len(y) * abs(correct[m].mean() - conf[m].mean())
    return total


def brier(y, P):
    # Multi-class Brier score: mean over rows of sum_k (p_k - [y = k])^2.
    Y = np.eye(P.shape[1])[y]
    return float(((P - Y) ** 2).sum(axis=1).mean())


def out(**kw):
    print(json.dumps({'sklearn': sklearn_version, **kw}), flush=True)


which = sys.argv[1:] or ['binary', 'ovr', 'optimizers']
if 'binary' in which:
    X, y, Xt, yt = read('breast_cancer')
    for C in (1.0, 0.5):
        clf = LogisticRegression(C=C, solver='newton-cg', tol=1e-12, max_iter=1000).fit(X, y)
        z = X @ clf.coef_[0] + clf.intercept_[0]
        F = float(np.logaddexp(0, -np.where(y == 1, 1, -1) * z).sum() + 0.5 / C * (clf.coef_[0] ** 2).sum())
        out(example='binary-as-k2', model='binomial', C=C, test_accuracy=float(clf.score(Xt, yt)), objective=F,
            test_log_loss=float(log_loss(yt, clf.predict_proba(Xt))))
    # sklearn's multinomial with two classes: its own two-row parameterization (W = [w0; w1]), penalty on both rows.
    for C in (0.5, 1.0):
        clf = LogisticRegression(C=C, solver='newton-cg', tol=1e-12, max_iter=1000, multi_class='multinomial').fit(X, y)
        # scikit-learn stores one row for two classes even here: coef_ = w1 - w0 of its symmetric two-row fit.
        out(example='binary-as-k2', model='multinomial (sklearn, two rows inside)', C=C, test_accuracy=float(clf.score(Xt, yt)),
            test_log_loss=float(log_loss(yt, clf.predict_proba(Xt))), coef_norm=float(np.linalg.norm(clf.coef_)))
if 'ovr' in which:
    for name in ('iris', 'digits'):
        X, y, Xt, yt = read(name)
        for mc in ('multinomial', 'ovr'):
            clf = LogisticRegression(C=1.0, solver='newton-cg', tol=1e-12, max_iter=10000, multi_class=mc).fit(X, y)
            P = clf.predict_proba(Xt)
            out(example='ovr-vs-multinomial', dataset=name, multi_class=mc, C=1.0, test_accuracy=float(clf.score(Xt, yt)),
                test_log_loss=float(log_loss(yt, P, labels=clf.classes_)), test_brier=brier(yt, P), test_ece=ece(yt, P))
if 'optimizers' in which:
    X, y, Xt, yt = read('digits')
    for solver in ('lbfgs', 'newton-cg', 'sag'):
        t = time.perf_counter()
        clf = LogisticRegression(C=1.0, solver=solver, tol=1e-4, max_iter=10000, multi_class='multinomial').fit(X, y)
        s = time.perf_counter() - t
        out(example='optimizers', dataset='digits', solver=solver, tol=1e-4, n_iter=int(np.max(clf.n_iter_)), fit_seconds=round(s, 3),
            test_accuracy=float(clf.score(Xt, yt)))
