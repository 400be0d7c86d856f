#!/usr/bin/python3
"""Sensitivity analysis of a discsim-study members table (doc/studies.md).

  tools/study_analyze.py TABLE.csv [--out DIR] [--boot 1000] [--level 0.95] [--seed 0] [--no-plots]

Saltelli designs: Sobol first-order indices (Saltelli et al. 2010 estimator) and total indices
(Jansen 1999 estimator) per quantity, with percentile bootstrap confidence intervals (the base
samples resampled with replacement). Morris designs: mu* (mean |elementary effect|), mu and sigma,
elementary effects per unit of quantile, i.e. the change of the quantity when the input moves
across its whole range (uniform) or its whole probability mass. Any design: scatter plots of each
quantity against each input. Writes DIR/sensitivity.csv and the plots (PNG) into DIR.
Only members with status ok enter; a base sample (or trajectory) with a failed member is dropped
whole, and the number dropped is printed.
"""
import argparse, os, re, sys
import numpy as np
import pandas as pd

DESIGN_COLS = ["member", "design", "base", "var", "du"]


def split_columns(df):
    """inputs: the columns between the design columns and the quantities (which carry '@')"""
    rest = [c for c in df.columns if c not in DESIGN_COLS + ["status", "reason"]]
    quantities = [c for c in rest if "@" in c]
    inputs = [c for c in rest if "@" not in c]
    return inputs, quantities


def key_of(column):
    return column.split(" [")[0]


def sobol_indices(fA, fB, fAB):
    """fA, fB: (N,); fAB: (N, k). S1 by Saltelli 2010, ST by Jansen 1999."""
    var = np.var(np.concatenate([fA, fB]), ddof=1)
    S1 = np.mean(fB[:, None] * (fAB - fA[:, None]), axis=0) / var
    ST = 0.5 * np.mean((fA[:, None] - fAB) ** 2, axis=0) / var
    return S1, ST


def sobol_bootstrap(fA, fB, fAB, nboot, level, rng):
    S1, ST = sobol_indices(fA, fB, fAB)
    n = len(fA)
    b1, bt = [], []
    for _ in range(nboot):
        i = rng.integers(0, n, n)
        s1, st = sobol_indices(fA[i], fB[i], fAB[i])
        b1.append(s1), bt.append(st)
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    return S1, np.percentile(b1, q, axis=0), ST, np.percentile(bt, q, axis=0)


def saltelli_arrays(df, inputs, quantity):
    """per base sample with every member ok: f(A), f(B), f(AB_j) for the inputs in table order"""
    keys = [key_of(c) for c in inputs]
    k = len(keys)
    fA, fB, fAB, dropped = [], [], [], 0
    for base, g in df.groupby("base", sort=True):
        if len(g) != k + 2 or (g["status"] != "ok").any():
            dropped += 1
            continue
        a = g[g["design"] == "A"][quantity].to_numpy(float)
        b = g[g["design"] == "B"][quantity].to_numpy(float)
        ab = g[g["design"] == "AB"].set_index("var").loc[keys][quantity].to_numpy(float)
        fA.append(a[0]), fB.append(b[0]), fAB.append(ab)
    return np.array(fA), np.array(fB), np.array(fAB), dropped


def morris_effects(df, inputs, quantity):
    """elementary effects per input: (f(x + du e_v) - f(x)) / du along each complete trajectory"""
    keys = [key_of(c) for c in inputs]
    ee = {key: [] for key in keys}
    dropped = 0
    for traj, g in df.groupby("base", sort=True):
        g = g.sort_values("member")
        if (g["status"] != "ok").any():
            dropped += 1
            continue
        f = g[quantity].to_numpy(float)
        for s in range(1, len(g)):
            ee[g["var"].iloc[s]].append((f[s] - f[s - 1]) / g["du"].iloc[s])
    out = {}
    for key in keys:
        e = np.array(ee[key])
        out[key] = (np.mean(np.abs(e)), np.mean(e), np.std(e, ddof=1) if len(e) > 1 else 0.0, len(e))
    return out, dropped


def short(name):
    return re.sub(r"^(nutrient|bio)_", "", key_of(name))


def plot_sobol(rows, quantity, outdir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    r = [x for x in rows if x["quantity"] == quantity]
    r.sort(key=lambda x: x["ST"])
    names = [short(x["input"]) for x in r]
    y = np.arange(len(r))
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(r) + 1.5))
    for off, idx, col in [(-0.18, "S1", "tab:blue"), (0.18, "ST", "tab:orange")]:
        v = np.array([x[idx] for x in r])
        lo = np.array([x[idx + "_lo"] for x in r])
        hi = np.array([x[idx + "_hi"] for x in r])
        ax.barh(y + off, v, height=0.35, color=col, label={"S1": "first order S1", "ST": "total ST"}[idx],
                xerr=[np.maximum(v - lo, 0), np.maximum(hi - v, 0)], capsize=2)
    ax.set_yticks(y, names)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_xlabel("Sobol index (bars: bootstrap %d %% interval)" % round(100 * r[0]["level"]))
    ax.set_title(quantity, fontsize=10)
    ax.legend(loc="lower right")
    fig.tight_layout()
    path = os.path.join(outdir, "sobol_" + safe(quantity) + ".png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_tornado(df, inputs, quantity, outdir):
    """change of the quantity from each input's 10th to 90th percentile in the members (others averaged
    out by a linear fit on the ranks): the bar spans the fitted values at the two percentiles"""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ok = df[df["status"] == "ok"]
    X = ok[inputs].to_numpy(float)
    f = ok[quantity].to_numpy(float)
    U = (np.argsort(np.argsort(X, axis=0), axis=0) + 0.5) / len(X)  # empirical quantiles of the inputs
    A = np.column_stack([np.ones(len(U)), U])
    coef = np.linalg.lstsq(A, f, rcond=None)[0]
    mid = coef[0] + 0.5 * coef[1:].sum()
    lo = mid + coef[1:] * (0.1 - 0.5)
    hi = mid + coef[1:] * (0.9 - 0.5)
    order = np.argsort(np.abs(hi - lo))
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(inputs) + 1.5))
    for row, j in enumerate(order):
        ax.barh(row, hi[j] - lo[j], left=lo[j], color="tab:red" if hi[j] > lo[j] else "tab:blue")
    ax.axvline(mid, color="k", lw=0.8)
    ax.set_yticks(range(len(order)), [short(inputs[j]) for j in order])
    ax.set_xlabel(quantity + "\nbar: input from its 10th to its 90th percentile (linear fit on ranks)\nred: rises with the input; blue: falls", fontsize=9)
    fig.tight_layout()
    path = os.path.join(outdir, "tornado_" + safe(quantity) + ".png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_scatter(df, inputs, quantity, outdir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ok = df[df["status"] == "ok"]
    n = len(inputs)
    cols = min(4, n)
    rows = (n + cols - 1) // cols
    fig, axs = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False, sharey=True)
    for j, c in enumerate(inputs):
        ax = axs[j // cols][j % cols]
        ax.plot(ok[c], ok[quantity], ".", ms=2, alpha=0.5)
        ax.set_xlabel(short(c) + (" [" + c.split(" [")[1] if " [" in c else ""), fontsize=8)
        ax.tick_params(labelsize=7)
    for j in range(n, rows * cols):
        axs[j // cols][j % cols].axis("off")
    axs[0][0].set_ylabel(quantity, fontsize=8)
    fig.tight_layout()
    path = os.path.join(outdir, "scatter_" + safe(quantity) + ".png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def safe(name):
    return re.sub(r"[^A-Za-z0-9_@.]+", "_", name).strip("_")


def analyze(df, nboot=1000, level=0.95, seed=0):
    """rows of the sensitivity table (dicts) for every quantity"""
    inputs, quantities = split_columns(df)
    designs = set(df["design"])
    rng = np.random.default_rng(seed)
    rows = []
    for q in quantities:
        if designs <= {"A", "B", "AB"}:
            fA, fB, fAB, dropped = saltelli_arrays(df, inputs, q)
            if len(fA) < 2:
                continue
            S1, S1ci, ST, STci = sobol_bootstrap(fA, fB, fAB, nboot, level, rng)
            for j, c in enumerate(inputs):
                rows.append(dict(quantity=q, input=key_of(c), method="sobol", S1=S1[j], S1_lo=S1ci[0][j], S1_hi=S1ci[1][j],
                                 ST=ST[j], ST_lo=STci[0][j], ST_hi=STci[1][j], level=level, n=len(fA), dropped=dropped))
        elif designs == {"morris"}:
            eff, dropped = morris_effects(df, inputs, q)
            for c in inputs:
                m = eff[key_of(c)]
                rows.append(dict(quantity=q, input=key_of(c), method="morris", mu_star=m[0], mu=m[1], sigma=m[2], n=m[3], dropped=dropped))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("table")
    ap.add_argument("--out", default=None, help="folder for sensitivity.csv and the plots (default: TABLE without .csv, + _analysis)")
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--level", type=float, default=0.95)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-plots", action="store_true")
    a = ap.parse_args()
    df = pd.read_csv(a.table, keep_default_na=False, na_values=[""])
    inputs, quantities = split_columns(df)
    out = a.out or os.path.splitext(a.table)[0] + "_analysis"
    os.makedirs(out, exist_ok=True)
    failed = df[df["status"] != "ok"]
    print("%s: %d members, %d ok, %d failed; inputs: %s" % (a.table, len(df), len(df) - len(failed), len(failed), ", ".join(key_of(c) for c in inputs)))
    for _, r in failed.head(5).iterrows():
        print("  member %d failed: %s" % (r["member"], r["reason"]))
    rows = analyze(df, a.boot, a.level, a.seed)
    if rows:
        pd.DataFrame(rows).to_csv(os.path.join(out, "sensitivity.csv"), index=False)
    for q in quantities:
        sel = [r for r in rows if r["quantity"] == q]
        if sel and sel[0]["method"] == "sobol":
            print("\n%s (Sobol, %d base samples, %d dropped; %d %% bootstrap intervals)" % (q, sel[0]["n"], sel[0]["dropped"], round(100 * a.level)))
            print("  %-32s %22s %22s" % ("input", "S1", "ST"))
            for r in sorted(sel, key=lambda r: -r["ST"]):
                print("  %-32s %7.3f [%6.3f, %6.3f] %7.3f [%6.3f, %6.3f]" % (r["input"], r["S1"], r["S1_lo"], r["S1_hi"], r["ST"], r["ST_lo"], r["ST_hi"]))
        elif sel:
            print("\n%s (Morris, elementary effects per whole range of the input)" % q)
            print("  %-32s %12s %12s %12s" % ("input", "mu*", "mu", "sigma"))
            for r in sorted(sel, key=lambda r: -r["mu_star"]):
                print("  %-32s %12.4g %12.4g %12.4g" % (r["input"], r["mu_star"], r["mu"], r["sigma"]))
        if not a.no_plots:
            made = [plot_scatter(df, inputs, q, out), plot_tornado(df, inputs, q, out)]
            if sel and sel[0]["method"] == "sobol":
                made.append(plot_sobol(rows, q, out))
            print("  plots: " + ", ".join(made))


if __name__ == "__main__":
    main()
