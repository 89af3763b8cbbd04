"""Reference values for Medley.Evaluation: scikit-learn metrics and scipy statistics on seeded prediction sets.

Run with Debian's python3 (python3-sklearn, python3-scipy):
    /usr/bin/python3 tests/reference/make_metrics_fixtures.py
Writes tests/Medley.Evaluation.Tests/Fixtures/metrics.json and stats.json. NaN/inf are written as null/"inf".
"""
import json
import math
import os

import numpy as np
from scipy import stats
from sklearn import metrics as skm

OUT = os.path.join(os.path.dirname(__file__), "..", "Medley.Evaluation.Tests", "Fixtures")


def clean(v):
    """JSON-safe copy: numpy → lists, NaN → None."""
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, np.ndarray):
        return clean(v.tolist())
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    return v


def ece(y, probs, bins=15):
    pred = probs.argmax(axis=1)
    conf = probs[np.arange(len(y)), pred]
    total = 0.0
    members = [[] for _ in range(bins)]
    for i, c in enumerate(conf):
        b = next((b for b in range(bins) if c <= (b + 1) / bins), bins - 1)
        members[b].append(i)
    for idx in members:
        if not idx:
            continue
        acc = np.mean(pred[idx] == y[idx])
        total += len(idx) / len(y) * abs(acc - conf[idx].mean())
    return total


def tune(y, s, criterion):
    """Brute force over distinct scores, highest threshold first; keeps the first best."""
    if y.sum() == 0 or (criterion == "youden" and y.sum() == len(y)):
        return 0.5, 0.0
    best_t, best_v = None, -np.inf
    for t in sorted(set(s.tolist()), reverse=True):
        p = (s >= t).astype(int)
        if criterion == "f1":
            v = skm.f1_score(y, p, zero_division=0)
        else:
            v = skm.recall_score(y, p) - (p[y == 0].mean())
        if v > best_v:
            best_t, best_v = t, v
    return best_t, best_v


def prf(y, p, labels=None):
    out = {}
    pr, rc, f1, sup = skm.precision_recall_fscore_support(y, p, labels=labels, average=None, zero_division=0)
    out.update(precision=pr, recall=rc, f1=f1, support=sup)
    for avg in ["macro", "micro", "weighted"]:
        a = skm.precision_recall_fscore_support(y, p, labels=labels, average=avg, zero_division=0)
        out[f"precision_{avg}"], out[f"recall_{avg}"], out[f"f1_{avg}"] = a[0], a[1], a[2]
    return out


def ranking(Y, S):
    """Per-column AUROC/AP; NaN for undefined columns; macro/weighted over defined ones; micro over the flattened matrix."""
    out = {}
    for name, fn in [("auroc", skm.roc_auc_score), ("ap", skm.average_precision_score)]:
        per, sup = [], Y.sum(axis=0)
        for k in range(Y.shape[1]):
            pos = Y[:, k].sum()
            defined = pos > 0 and (name == "ap" or pos < len(Y))
            per.append(fn(Y[:, k], S[:, k]) if defined else np.nan)
        per = np.array(per)
        ok = ~np.isnan(per)
        out[f"{name}_per_class"] = per
        out[f"{name}_macro"] = per[ok].mean()
        out[f"{name}_weighted"] = np.average(per[ok], weights=sup[ok])
        out[f"{name}_micro"] = fn(Y.ravel(), S.ravel())
        out["undefined"] = np.where(~ok)[0] if name == "auroc" else out["undefined"]
        if ok.all():  # cross-check against sklearn's own averaging
            for avg in ["macro", "weighted", "micro"]:
                assert abs(fn(Y, S, average=avg) - out[f"{name}_{avg}"]) < 1e-12, (name, avg)
    return out


def binary_case(name, y, s):
    p = (s >= 0.5).astype(int)
    probs = np.stack([1 - s, s], axis=1)
    fpr, tpr, th = skm.roc_curve(y, s, drop_intermediate=False)
    pre, rec, pth = skm.precision_recall_curve(y, s)
    e = dict(
        accuracy=skm.accuracy_score(y, p),
        balanced_accuracy=skm.balanced_accuracy_score(y, p),
        kappa=skm.cohen_kappa_score(y, p),
        kappa_linear=skm.cohen_kappa_score(y, p, weights="linear"),
        kappa_quadratic=skm.cohen_kappa_score(y, p, weights="quadratic"),
        confusion=skm.confusion_matrix(y, p, labels=[0, 1]),
        roc_fpr=fpr, roc_tpr=tpr, roc_thresholds_after_first=th[1:],
        auroc=skm.roc_auc_score(y, s) if 0 < y.sum() < len(y) else np.nan,
        pr_precision=pre, pr_recall=rec, pr_thresholds=pth,
        ap=skm.average_precision_score(y, s),
        brier=skm.brier_score_loss(y, s),
        log_loss=skm.log_loss(y, s, labels=[0, 1]),
        ece=ece(y, probs),
        tuned_f1=tune(y, s, "f1"), tuned_youden=tune(y, s, "youden"),
    )
    e.update(prf(y, p, labels=[0, 1]))
    return dict(name=name, kind="binary", y_true=y, scores=s, y_pred=p, expected=e)


def multiclass_case(name, y, probs, k):
    p = probs.argmax(axis=1)
    Y = np.eye(k, dtype=int)[y]
    e = dict(
        accuracy=skm.accuracy_score(y, p),
        balanced_accuracy=skm.balanced_accuracy_score(y, p),
        kappa=skm.cohen_kappa_score(y, p),
        kappa_linear=skm.cohen_kappa_score(y, p, weights="linear"),
        kappa_quadratic=skm.cohen_kappa_score(y, p, weights="quadratic"),
        confusion=skm.confusion_matrix(y, p, labels=list(range(k))),
        log_loss=skm.log_loss(y, probs, labels=list(range(k))),
        brier=np.mean(((probs - Y) ** 2).sum(axis=1)),
        ece=ece(y, probs),
    )
    e.update(prf(y, p))
    e["prf_labels"] = sorted(set(y.tolist()) | set(p.tolist()))
    e.update(ranking(Y, probs))
    if len(e["undefined"]) == 0:
        assert abs(skm.roc_auc_score(y, probs, multi_class="ovr", average="macro") - e["auroc_macro"]) < 1e-12
        assert abs(skm.roc_auc_score(y, probs, multi_class="ovr", average="weighted") - e["auroc_weighted"]) < 1e-12
    return dict(name=name, kind="multiclass", classes=k, y_true=y, probs=probs, y_pred=p, expected=e)


def multilabel_case(name, Y, S):
    P = (S >= 0.5).astype(int)
    e = dict(
        hamming=skm.hamming_loss(Y, P),
        subset_accuracy=skm.accuracy_score(Y, P),
        tuned_f1=[tune(Y[:, j], S[:, j], "f1") for j in range(Y.shape[1])],
        tuned_youden=[tune(Y[:, j], S[:, j], "youden") for j in range(Y.shape[1])],
    )
    e.update(prf(Y, P))
    e.update(ranking(Y, S))
    return dict(name=name, kind="multilabel", y_true=Y, scores=S, y_pred=P, expected=e)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def metric_cases():
    rng = np.random.default_rng(20240601)
    cases = []
    y = rng.integers(0, 2, 60)
    s = 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + rng.normal(0, 1.3, 60))))
    cases.append(binary_case("binary_random", y, s))
    y = rng.integers(0, 2, 50)
    s = np.round(np.clip(0.5 + 0.25 * (2 * y - 1) + rng.normal(0, 0.3, 50), 0, 1), 1)  # heavy ties
    cases.append(binary_case("binary_ties", y, s))
    y = np.array([0] * 7 + [1] * 5)
    cases.append(binary_case("binary_perfect", y, np.where(y == 1, 0.9, 0.2) + rng.uniform(0, 0.05, 12)))
    cases.append(binary_case("binary_constant", y, np.full(12, 0.5)))
    cases.append(binary_case("binary_inverted", y, np.where(y == 1, 0.1, 0.8)))

    k = 4
    y = rng.integers(0, k, 80)
    probs = softmax(rng.normal(0, 1, (80, k)) + 1.5 * np.eye(k)[y])
    cases.append(multiclass_case("multiclass_random", y, probs, k))
    y = rng.choice([0, 1, 3], 40)  # class 2 absent from this fold's truth, still predicted sometimes
    probs = softmax(rng.normal(0, 1, (40, k)) + 1.0 * np.eye(k)[y])
    cases.append(multiclass_case("multiclass_absent_class", y, probs, k))
    y = rng.integers(0, 3, 45)
    logits = rng.integers(0, 3, (45, 3)).astype(float) + np.eye(3)[y]  # few distinct rows → ties in every column
    cases.append(multiclass_case("multiclass_ties", y, softmax(logits), 3))
    y = rng.integers(0, 3, 30)
    cases.append(multiclass_case("multiclass_constant", y, np.full((30, 3), 1 / 3), 3))

    Y = (rng.uniform(size=(50, 5)) < [0.3, 0.5, 0.2, 0.6, 0.4]).astype(int)
    S = 1 / (1 + np.exp(-(1.5 * (2 * Y - 1) + rng.normal(0, 1.5, Y.shape))))
    cases.append(multilabel_case("multilabel_random", Y, S))
    Y2 = Y.copy()
    Y2[:, 2] = 0  # a label with no positives in this fold
    S2 = np.round(S, 1)  # and ties
    cases.append(multilabel_case("multilabel_absent_label_ties", Y2, S2))
    return cases


def stats_cases():
    rng = np.random.default_rng(7)
    out = {}
    out["t_ppf"] = [dict(p=p, df=df, value=stats.t.ppf(p, df))
                    for df in [1, 2, 3, 4, 5, 9, 14, 29, 100, 1000] for p in [0.5, 0.6, 0.9, 0.95, 0.975, 0.995, 0.999, 0.025, 0.001]]
    out["t_cdf"] = [dict(t=t, df=df, value=stats.t.cdf(t, df))
                    for df in [1, 2.5, 4, 14, 60] for t in [-12.0, -3.1, -1.0, -0.2, 0.0, 0.7, 2.0, 4.5, 30.0]]
    out["betainc"] = [dict(a=a, b=b, x=x, value=__import__("scipy.special").special.betainc(a, b, x))
                      for a, b in [(0.5, 0.5), (1, 3), (2.5, 7), (7, 0.5), (50, 40)] for x in [0.0, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0]]
    samples = []
    for n in [2, 3, 5, 10, 15]:
        x = rng.normal(0.85, 0.03, n)
        m, sd = x.mean(), x.std(ddof=1)
        lo, hi = stats.t.interval(0.95, n - 1, loc=m, scale=sd / np.sqrt(n))
        samples.append(dict(x=x, mean=m, std=sd, ci_low=lo, ci_high=hi))
    out["mean_ci"] = samples
    paired = []
    for n, shift in [(5, 0.01), (15, 0.0), (15, 0.02), (3, -0.05)]:
        a = rng.normal(0.8, 0.03, n)
        b = a + shift + rng.normal(0, 0.02, n)
        r = stats.ttest_rel(a, b)
        paired.append(dict(a=a, b=b, t=r.statistic, df=n - 1, p=r.pvalue))
    out["paired_t"] = paired
    wil = []
    for n, shift, ties in [(8, 0.3, False), (15, 0.1, False), (20, 0.0, False), (12, 0.5, True), (60, 0.2, False)]:
        a = rng.normal(0, 1, n)
        b = a + shift + rng.normal(0, 0.5, n)
        if ties:
            a, b = np.round(a, 0), np.round(b, 0)
        r = stats.wilcoxon(a, b)
        wil.append(dict(a=a, b=b, statistic=r.statistic, p=r.pvalue, exact=bool(n <= 50 and not ties)))
    out["wilcoxon"] = wil
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump(clean(metric_cases()), f, indent=None, separators=(",", ":"))
    with open(os.path.join(OUT, "stats.json"), "w") as f:
        json.dump(clean(stats_cases()), f, indent=None, separators=(",", ":"))


if __name__ == "__main__":
    main()
