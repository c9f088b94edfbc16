"""scikit-learn reference figures for the course examples (examples/*.ts store them as constants).

Run with Debian's scientific Python and the machine's OpenBLAS overrides removed:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/examples_sklearn.py [ufldl|fashion]
Prints one JSON line per figure. Not part of npm test.
"""
import gzip, json, sys, time
import numpy as np
from sklearn import __version__ as sklearn_version
from sklearn.linear_model import LogisticRegression


def read_csv_gz(path):
    with gzip.open(path, 'rt') as f:
        header = f.readline()
        data = np.loadtxt(f, delimiter=',')
    return data[:, :-1], data[:, -1].astype(int)


def read_idx_gz(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def report(name, clf, X, y, Xt, yt, seconds, **extra):
    print(json.dumps({
        'example': name, 'sklearn': sklearn_version, 'C': clf.C, 'fit_intercept': clf.fit_intercept,
        'max_iter': clf.max_iter, 'tol': clf.tol, 'n_iter': int(np.max(clf.n_iter_)),
        'train_accuracy': float(clf.score(X, y)), 'test_accuracy': float(clf.score(Xt, yt)),
        'fit_seconds': round(seconds, 2), **extra}), flush=True)


which = sys.argv[1:] or ['ufldl', 'fashion']
if 'ufldl' in which:
    # UFLDL: mean cross-entropy + (lambda/2)||W||^2, lambda = 1e-4, no bias, minFunc L-BFGS 100 iterations.
    # scikit-learn's objective is sum loss + 1/(2C)||W||^2 = n * (mean loss + 1/(2Cn)||W||^2): C = 1/(n lambda).
    X, y = read_csv_gz('data/mnist10k_train.csv.gz')
    Xt, yt = read_csv_gz('data/mnist10k_test.csv.gz')
    C = 1.0 / (X.shape[0] * 1e-4)
    clf = LogisticRegression(C=C, fit_intercept=False, solver='lbfgs', max_iter=100, tol=1e-12, multi_class='multinomial')
    t = time.perf_counter(); clf.fit(X, y); s = time.perf_counter() - t
    report('ufldl-mnist', clf, X, y, Xt, yt, s, data='data/mnist10k_{train,test}.csv.gz (pixels in [0,1], no scaling)')
if 'fashion' in which:
    # d2l-fashion's "lbfgs to the optimum" comparison: C = 1, pixels / 255, intercept, run to convergence.
    d = '/usr/share/datasets/fashion-mnist/'
    X = read_idx_gz(d + 'train-images-idx3-ubyte.gz').reshape(60000, -1) / 255.0
    y = read_idx_gz(d + 'train-labels-idx1-ubyte.gz').astype(int)
    Xt = read_idx_gz(d + 't10k-images-idx3-ubyte.gz').reshape(10000, -1) / 255.0
    yt = read_idx_gz(d + 't10k-labels-idx1-ubyte.gz').astype(int)
    clf = LogisticRegression(C=1.0, solver='lbfgs', max_iter=1000, tol=1e-4, multi_class='multinomial')
    t = time.perf_counter(); clf.fit(X, y); s = time.perf_counter() - t
    report('d2l-fashion', clf, X, y, Xt, yt, s, data='Debian dataset-fashion-mnist IDX files, pixels / 255')
