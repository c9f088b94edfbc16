#!/usr/bin/env python3
"""Peer runner: fit scikit-learn's LogisticRegression on a CSV or LibSVM file and print one JSON line.
Needs Debian's scikit-learn:  apt-get install -y python3-sklearn   and run with /usr/bin/python3.

  /usr/bin/python3 sklearn_fit.py --train TRAIN.csv[.gz] [--test TEST.csv] [--label label]
        [--solver lbfgs|newton-cg|sag|saga|liblinear] [--penalty l2|l1|elasticnet|none] [--C 1.0]
        [--l1-ratio 0.5] [--tol 1e-4] [--max-iter 10000] [--multi-class multinomial|ovr|auto]
        [--scale standard|none] [--repeats 3] [--libsvm]

CSV: header row, numeric features, label column (default: last). LibSVM files with --libsvm.
Scaling (standard): StandardScaler fit on the training rows; the fit time excludes it.
Printed objective, in the convention our library uses (natural log, losses SUMMED, intercept unpenalized):
  l2:  sum_i nll_i + 1/(2C)||W||_F^2      l1: sum_i nll_i + (1/C)||W||_1
  elasticnet: sum_i nll_i + (1/C)(r||W||_1 + (1-r)/2 ||W||_F^2)
W is K x d with all K rows. For 2 classes scikit-learn's multinomial fit stores only row 1, c, of the
symmetric softmax solution W = [-c; c], b = [-b1; b1] (exact for l2); the penalty is computed on that full W,
and the loss from predict_proba.
fit_s = median over --repeats fits.
Copied from the project's shared peer scripts (scikit-learn 1.2.1 era); `blas` also names the internal_api."""
# The peer at its best: the machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides hold OpenBLAS to older
# kernels on CPUs with AVX-512; drop them before NumPy loads OpenBLAS (set PEER_KEEP_OPENBLAS_ENV=1 to keep them).
import os as _os
if not _os.environ.get("PEER_KEEP_OPENBLAS_ENV"):
    _os.environ.pop("OPENBLAS_CORETYPE", None); _os.environ.pop("OPENBLAS_L2_SIZE", None)
import argparse, gzip, json, statistics, time, warnings
import numpy as np

def read_csv(path, label):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt") as f:
        header = f.readline().strip().split(",")
        j = header.index(label) if label else len(header) - 1
        rows = [r.split(",") for r in f.read().splitlines() if r]
    y = np.array([r[j] for r in rows])
    X = np.array([[float(v) for i, v in enumerate(r) if i != j] for r in rows])
    return X, y

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True); ap.add_argument("--test")
    ap.add_argument("--label"); ap.add_argument("--libsvm", action="store_true")
    ap.add_argument("--solver", default="lbfgs"); ap.add_argument("--penalty", default="l2")
    ap.add_argument("--C", type=float, default=1.0); ap.add_argument("--l1-ratio", type=float, default=0.5)
    ap.add_argument("--tol", type=float, default=1e-4); ap.add_argument("--max-iter", type=int, default=10000)
    ap.add_argument("--multi-class", default="multinomial"); ap.add_argument("--scale", default="standard")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    import sklearn
    if a.libsvm:
        from sklearn.datasets import load_svmlight_file
        Xtr, ytr = load_svmlight_file(a.train); Xte, yte = (load_svmlight_file(a.test, n_features=Xtr.shape[1]) if a.test else (None, None))
    else:
        Xtr, ytr = read_csv(a.train, a.label); Xte, yte = read_csv(a.test, a.label) if a.test else (None, None)
    if a.scale == "standard" and not a.libsvm:
        sc = StandardScaler().fit(Xtr); Xtr = sc.transform(Xtr); Xte = sc.transform(Xte) if Xte is not None else None
    kw = dict(solver=a.solver, C=a.C, tol=a.tol, max_iter=a.max_iter, multi_class=a.multi_class, random_state=0)
    kw["penalty"] = None if a.penalty == "none" else a.penalty
    if a.penalty == "elasticnet": kw["l1_ratio"] = a.l1_ratio
    times = []
    for _ in range(a.repeats):
        m = LogisticRegression(**kw)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            t0 = time.perf_counter(); m.fit(Xtr, ytr); times.append(time.perf_counter() - t0)
    yi = np.searchsorted(m.classes_, ytr)
    P = m.predict_proba(Xtr)
    nll = float(-np.sum(np.log(np.clip(P[np.arange(len(yi)), yi], 1e-300, None))))
    W = m.coef_
    # multi_class 'auto' (scikit-learn's default): the binomial model for two classes (one row w, penalty
    # (1/2C)||w||^2, our multiClass 'auto' too), the multinomial one for more.
    if W.shape[0] == 1 and a.multi_class == "multinomial": W = np.vstack([-W[0], W[0]])
    if a.penalty == "l2": pen = 0.5 / a.C * float(np.sum(W * W))
    elif a.penalty == "l1": pen = float(np.abs(W).sum()) / a.C
    elif a.penalty == "elasticnet": pen = (a.l1_ratio * float(np.abs(W).sum()) + 0.5 * (1 - a.l1_ratio) * float(np.sum(W * W))) / a.C
    else: pen = 0.0
    rec = dict(peer="scikit-learn", version=sklearn.__version__, train=a.train, n=Xtr.shape[0], d=Xtr.shape[1],
               k=len(m.classes_), solver=a.solver, penalty=a.penalty, C=a.C, tol=a.tol, multi_class=a.multi_class,
               scale=a.scale, n_iter=int(np.max(m.n_iter_)), warnings=sorted({x.category.__name__ for x in w}),
               fit_s_median=statistics.median(times), fit_s_all=[round(t, 4) for t in times],
               objective=nll + pen if a.multi_class == "multinomial" or a.multi_class == "auto" else None, train_nll=nll,
               train_acc=float((m.predict(Xtr) == ytr).mean()))
    if Xte is not None:
        rec["test_acc"] = float((m.predict(Xte) == yte).mean())
    try:
        from threadpoolctl import threadpool_info
        rec["blas"] = [dict(kernel=i.get("architecture"), internal_api=i.get("internal_api"), threads=i.get("num_threads"), version=i.get("version")) for i in threadpool_info() if i.get("user_api") == "blas"]
    except Exception:
        pass
    print(json.dumps(rec), flush=True)

if __name__ == "__main__":
    main()
