#!/usr/bin/env python3
"""calibrate.py -- fit techrace's free global parameters to a target table over ensembles.

`make calibrate` runs it; it writes docs/CALIBRATION.md and tools/calibrate/best.yaml.

Inputs (tab-separated, '#' starts a comment, the first other line names the columns):
  targets.tsv  id, role (fit | holdout), metric, target, band (LO:HI, either side may be empty),
               scale (> 0: the objective's unit for this target), unit (% or n: how the report
               shows the numbers), source, note
  params.tsv   path (a global scenario key, parameters.*), lower, upper, spacing (lin | log), why

Metrics (per run, then mean and 5/95% quantiles over the runs of a point):
  NAME:COUNTRY@YEAR           a country metric (country_year), e.g. techs_led:US@2007
  NAME:COUNTRY:TECH@YEAR      a country-technology metric, e.g. world_share:CN:T47@2020
  NAME::TECH@YEAR             a tracker metric (leader_share, second_share, lead_ratio)
  NAME:WORLD@YEAR             the sum of a country metric over all blocs (e.g. production:WORLD@2016)
  NAME:WORLD:TECH@YEAR        the sum of a country-technology metric over all blocs
  world_price::TECH@YEAR      derived: world sales over world units of the technology,
                              sum_c production / sum_c (production / (price_cost x unit_cost)),
                              i.e. the unit-weighted average price (unit-cost index: 1 = frontier at start)
  ratio(A, B)                 A / B in each run (NaN where B is 0)
  change(A, B)                B / A - 1 in each run (e.g. a price change between two years)
  diff(A, B)                  B - A in each run
A value that is NaN or missing (a metric the model does not produce, a year outside the run)
is left out of the mean; a target with no value at all is reported as "n/a" and, if it is a
`fit` target, adds MISSING_PENALTY to the objective so that the search avoids such points.

Search (method of simulated moments over ensembles, common random numbers):
  objective(x) = sum over fit targets of ((mean(x) - target) / scale)^2
  1. the scenario's own values (the "default" point);
  2. a Latin hypercube of CALIB_POINTS points over the parameters' ranges (log-spaced where
     `spacing` is log), drawn from Python's Mersenne Twister seeded with --design-seed;
  3. a compass search from the best point so far: each parameter +-h in the unit cube
     (h = 1 / (2 N^(1/d)) at first, halved when no neighbour improves), CALIB_REFINE points at most;
  4. the best point and the default re-run on fresh seeds (--seed + 1), so that the reported
     outcomes are not the seeds the search selected on.
Every point is one `techrace ensemble` of CALIB_RUNS runs (run indices 0..R-1 of --seed; all
points share them), the horizon cut at the last target year (earlier years are identical).
"""

import argparse
import math
import os
import random
import re
import shlex
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

try:
    import yaml
except ImportError:  # python3-yaml is in the Makefile's DEPS
    yaml = None

MISSING_PENALTY = 100.0
DEFAULT_POINTS, DEFAULT_RUNS, DEFAULT_REFINE = 32, 20, 32   # a full `make calibrate`
ROLES = ("fit", "holdout")
UNITS = ("%", "n")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class InputError(Exception):
    pass


# ---------------------------------------------------------------- tables

def read_tsv(path, required, optional=()):
    """Rows of a tab-separated table as dicts with the line number under '_line'."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    header, rows = None, []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"{path}:{n}: the header lacks column(s) {', '.join(missing)} "
                                 f"(columns are tab-separated: {', '.join(required + tuple(optional))})")
            unknown = [c for c in header if c not in required and c not in optional]
            if unknown:
                raise InputError(f"{path}:{n}: unknown column(s) {', '.join(unknown)}")
            continue
        if len(cells) > len(header):
            raise InputError(f"{path}:{n}: {len(cells)} cells but {len(header)} columns (tabs inside a cell?)")
        row = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        row["_line"] = n
        rows.append(row)
    if header is None:
        raise InputError(f"{path}: empty (no header line)")
    return rows


def num(text, where, what):
    try:
        v = float(text)
    except ValueError:
        raise InputError(f"{where}: {what} '{text}' is not a number")
    if not math.isfinite(v):
        raise InputError(f"{where}: {what} '{text}' is not finite")
    return v


# ---------------------------------------------------------------- metric expressions

BASE_RE = re.compile(r"^([a-z_][a-z0-9_]*):([A-Za-z0-9_]*)(?::([A-Za-z0-9_]+))?@([0-9]{4})$")
FUNCS = ("ratio", "change", "diff")


def parse_metric(text, where):
    """A metric expression as a tree: ('base', name, country, tech, year) or (func, a, b)."""
    s = text.strip()
    m = re.match(r"^([a-z]+)\((.*)\)$", s)
    if m:
        func, inner = m.group(1), m.group(2)
        if func not in FUNCS:
            raise InputError(f"{where}: unknown function '{func}' in '{text}' (known: {', '.join(FUNCS)})")
        depth, cut = 0, -1
        for i, ch in enumerate(inner):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == "," and depth == 0:
                cut = i
                break
        if cut < 0:
            raise InputError(f"{where}: {func}() needs two metrics separated by a comma: '{text}'")
        return (func, parse_metric(inner[:cut], where), parse_metric(inner[cut + 1:], where))
    m = BASE_RE.match(s)
    if not m:
        raise InputError(f"{where}: bad metric '{text}' (want NAME:COUNTRY@YEAR, NAME:COUNTRY:TECH@YEAR, "
                         f"NAME::TECH@YEAR, or {'/'.join(FUNCS)}(A, B))")
    name, country, tech, year = m.group(1), m.group(2), m.group(3), int(m.group(4))
    if not country and not tech:
        raise InputError(f"{where}: '{text}' names neither a country nor a technology")
    return ("base", name, country or None, tech, year)


def bases(tree):
    if tree[0] == "base":
        return [tree]
    return bases(tree[1]) + bases(tree[2])


def read_targets(path):
    rows = read_tsv(path, ("id", "role", "metric", "target", "band", "scale", "source"), ("unit", "note"))
    out, seen = [], set()
    for r in rows:
        where = f"{path}:{r['_line']}"
        t = {"id": r["id"], "role": r["role"], "metric": r["metric"], "source": r["source"],
             "unit": r.get("unit") or "n", "note": r.get("note", "")}
        if not re.match(r"^[A-Za-z0-9_.-]+$", t["id"]):
            raise InputError(f"{where}: bad id '{t['id']}' (letters, digits, _ . -)")
        if t["id"] in seen:
            raise InputError(f"{where}: id '{t['id']}' used twice")
        seen.add(t["id"])
        if t["role"] not in ROLES:
            raise InputError(f"{where}: role '{t['role']}' is neither 'fit' nor 'holdout'")
        if t["unit"] not in UNITS:
            raise InputError(f"{where}: unit '{t['unit']}' is neither '%' nor 'n'")
        t["tree"] = parse_metric(t["metric"], where)
        t["target"] = num(r["target"], where, "target") if r["target"] else None
        lo = hi = None
        if r["band"]:
            if ":" not in r["band"]:
                raise InputError(f"{where}: band '{r['band']}' is not LO:HI")
            a, b = r["band"].split(":", 1)
            lo = num(a, where, "band lower end") if a.strip() else None
            hi = num(b, where, "band upper end") if b.strip() else None
            if lo is not None and hi is not None and lo > hi:
                raise InputError(f"{where}: band '{r['band']}' has LO > HI")
        t["lo"], t["hi"] = lo, hi
        if t["target"] is None and lo is None and hi is None:
            raise InputError(f"{where}: target '{t['id']}' has neither a target value nor a band")
        if r["scale"]:
            t["scale"] = num(r["scale"], where, "scale")
            if t["scale"] <= 0:
                raise InputError(f"{where}: scale must be > 0")
        elif lo is not None and hi is not None and hi > lo:
            t["scale"] = (hi - lo) / 2
        elif t["role"] == "fit":
            raise InputError(f"{where}: a fit target needs a scale (or a band LO:HI)")
        else:
            t["scale"] = None
        if not t["source"]:
            raise InputError(f"{where}: target '{t['id']}' names no source")
        out.append(t)
    if not out:
        raise InputError(f"{path}: no targets")
    if not any(t["role"] == "fit" for t in out):
        raise InputError(f"{path}: no target has role 'fit': nothing to fit")
    return out


def read_params(path):
    rows = read_tsv(path, ("path", "lower", "upper", "why"), ("spacing",))
    out, seen = [], set()
    for r in rows:
        where = f"{path}:{r['_line']}"
        p = r["path"]
        if not re.match(r"^parameters(\.[A-Za-z_][A-Za-z0-9_]*)+$", p):
            raise InputError(f"{where}: '{p}' is not a global parameter (parameters.SECTION.NAME): "
                             "only global parameters are fitted, never a per-country or per-field knob")
        if p in seen:
            raise InputError(f"{where}: '{p}' listed twice")
        seen.add(p)
        lo, hi = num(r["lower"], where, "lower"), num(r["upper"], where, "upper")
        if not lo < hi:
            raise InputError(f"{where}: lower must be below upper")
        spacing = r.get("spacing") or "lin"
        if spacing not in ("lin", "log"):
            raise InputError(f"{where}: spacing '{spacing}' is neither 'lin' nor 'log'")
        if spacing == "log" and lo <= 0:
            raise InputError(f"{where}: log spacing needs lower > 0")
        if not r["why"]:
            raise InputError(f"{where}: say why '{p}' is free")
        out.append({"path": p, "lo": lo, "hi": hi, "spacing": spacing, "why": r["why"]})
    if not out:
        raise InputError(f"{path}: no parameters")
    return out


def to_value(p, x):
    if p["spacing"] == "log":
        return math.exp(math.log(p["lo"]) + x * (math.log(p["hi"]) - math.log(p["lo"])))
    return p["lo"] + x * (p["hi"] - p["lo"])


def to_unit(p, v):
    if p["spacing"] == "log":
        if v <= 0:
            return None
        x = (math.log(v) - math.log(p["lo"])) / (math.log(p["hi"]) - math.log(p["lo"]))
    else:
        x = (v - p["lo"]) / (p["hi"] - p["lo"])
    return x


def fmt_value(v):
    return f"{v:.4g}"


# ---------------------------------------------------------------- techrace

class Techrace:
    def __init__(self, binary, scenario, threads, workdir, seed):
        self.bin, self.scenario, self.threads, self.workdir = binary, scenario, threads, workdir
        self.seed = seed
        self.keep = "all"
        self.n_runs_done = 0
        self.run_seconds = 0.0

    def scen_args(self):
        return [self.scenario] if self.scenario else []

    def show(self, sets=()):
        cmd = [self.bin, "scenario", "show"] + self.scen_args()
        for s in sets:
            cmd += ["--set", s]
        r = subprocess.run(cmd, capture_output=True, text=True)
        return r.returncode, r.stdout, r.stderr

    def ensemble(self, sets, runs, seed, end_year, tag):
        db = os.path.join(self.workdir, f"{tag}.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        cmd = [self.bin, "ensemble"] + self.scen_args() + ["--runs", str(runs), "--seed", str(seed),
                                                           "--keep", self.keep, "--out", db, "--quiet"]
        if self.threads:
            cmd += ["--threads", str(self.threads)]
        if end_year is not None:
            cmd += ["--set", f"calendar.end={end_year}"]
        for s in sets:
            cmd += ["--set", s]
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True)
        self.run_seconds += time.monotonic() - t0
        if r.returncode != 0:
            raise RuntimeError(f"techrace ensemble failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stderr.strip()}")
        self.n_runs_done += runs
        return db


class Results:
    """Per-run values of metric expressions from one experiment database (point 0)."""

    def __init__(self, db):
        self.con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        q = self.con.execute
        self.runs = [r for (r,) in q("select run from runs where point = 0 order by run")]
        self.countries = {cid: i for i, cid in q("select country, id from countries")}
        self.techs = {tid: i for i, tid in q("select tech, id from technologies")}
        self.metrics = {}
        for name, level, kept in q("select metric, level, kept from metrics"):
            self.metrics[(name, level)] = kept
        self.compact = [m for (m,) in q("select metric from metrics where level = 'country_tech' "
                                        "and kept = 'compact' order by metric_id")]
        self.has_ctall = bool(q("select count(*) from sqlite_master where name = 'country_tech_year'").fetchone()[0]) \
            and bool(q("select count(*) from country_tech_year limit 1").fetchone()[0])
        self.cache = {}
        self.blob_cache = {}

    def close(self):
        self.con.close()

    @staticmethod
    def clean(v):
        if v is None:
            return None
        v = float(v)
        return v if math.isfinite(v) else None

    def _blob(self, year):
        if year not in self.blob_cache:
            self.blob_cache[year] = {run: data for run, data in self.con.execute(
                "select run, data from ct_compact where point = 0 and year = ?", (year,))}
        return self.blob_cache[year]

    def country(self, name, c, year):
        if (name, "country") not in self.metrics:
            return None, f"no country metric '{name}'"
        rows = self.con.execute(f'select run, "{name}" from country_year where point = 0 and year = ? and country = ?',
                                (year, c)).fetchall()
        return {run: self.clean(v) for run, v in rows}, None

    def country_tech(self, name, c, t, year):
        kept = self.metrics.get((name, "country_tech"))
        if kept is None:
            return None, f"no country-technology metric '{name}'"
        if self.has_ctall:
            rows = self.con.execute(f'select run, "{name}" from country_tech_year where point = 0 and year = ? '
                                    'and country = ? and tech = ?', (year, c, t)).fetchall()
            return {run: self.clean(v) for run, v in rows}, None
        if name not in self.compact:
            return None, f"'{name}' is not kept in compact storage (run with --keep all)"
        m, nc, nt = self.compact.index(name), len(self.countries), len(self.techs)
        off = 4 * ((m * nc + c) * nt + t)
        out = {}
        for run, data in self._blob(year).items():
            out[run] = self.clean(struct.unpack_from("<f", data, off)[0]) if off + 4 <= len(data) else None
        return out, None

    def tracker(self, name, t, year):
        if (name, "tech") not in self.metrics:
            return None, f"no tracker metric '{name}'"
        rows = self.con.execute(f'select run, "{name}" from tracker where point = 0 and year = ? and tech = ?',
                                (year, t)).fetchall()
        return {run: self.clean(v) for run, v in rows}, None

    def world_sum(self, fn, *args):
        total, err = {r: 0.0 for r in self.runs}, None
        for c in range(len(self.countries)):
            vals, err = fn(*args[:1], c, *args[1:])
            if vals is None:
                return None, err
            for r in self.runs:
                v = vals.get(r)
                total[r] = None if (v is None or total[r] is None) else total[r] + v
        return total, None

    def world_price(self, t, year):
        sales, units = {r: 0.0 for r in self.runs}, {r: 0.0 for r in self.runs}
        parts = {}
        for name in ("production", "price_cost", "unit_cost"):
            if (name, "country_tech") not in self.metrics:
                return None, f"world_price needs the country-technology metric '{name}'"
        for c in range(len(self.countries)):
            for name in ("production", "price_cost", "unit_cost"):
                parts[name], err = self.country_tech(name, c, t, year)
                if parts[name] is None:
                    return None, err
            for r in self.runs:
                q, pc, uc = parts["production"].get(r), parts["price_cost"].get(r), parts["unit_cost"].get(r)
                if q is None or q <= 0:
                    continue
                if pc is None or uc is None or pc <= 0 or uc <= 0:
                    continue
                sales[r] += q
                units[r] += q / (pc * uc)
        return {r: (sales[r] / units[r] if units[r] > 0 else None) for r in self.runs}, None

    def base(self, node):
        key = node
        if key in self.cache:
            return self.cache[key]
        _, name, country, tech, year = node
        res = None, None
        if tech is not None and tech not in self.techs:
            res = None, f"no technology '{tech}'"
        elif country is not None and country != "WORLD" and country not in self.countries:
            res = None, f"no country '{country}'"
        elif name == "world_price":
            res = self.world_price(self.techs[tech], year) if country is None else (None, "world_price is NAME::TECH")
        elif country is None:
            res = self.tracker(name, self.techs[tech], year)
        elif tech is None:
            res = self.world_sum(self.country, name, year) if country == "WORLD" else \
                self.country(name, self.countries[country], year)
        else:
            if country == "WORLD":
                res = self.world_sum(lambda n, c, t, y: self.country_tech(n, c, t, y), name, self.techs[tech], year)
            else:
                res = self.country_tech(name, self.countries[country], self.techs[tech], year)
        self.cache[key] = res
        return res

    def values(self, tree):
        """(list of per-run values with None for NaN/missing, error text or None)."""
        if tree[0] == "base":
            vals, err = self.base(tree)
            if vals is None:
                return [None] * len(self.runs), err
            return [vals.get(r) for r in self.runs], None
        a, ea = self.values(tree[1])
        b, eb = self.values(tree[2])
        out = []
        for x, y in zip(a, b):
            if x is None or y is None:
                out.append(None)
            elif tree[0] == "ratio":
                out.append(x / y if y != 0 else None)
            elif tree[0] == "change":
                out.append(y / x - 1 if x != 0 else None)
            else:
                out.append(y - x)
        return out, ea or eb


def quantile(sorted_vals, p):
    n = len(sorted_vals)
    h = (n - 1) * p
    i = int(math.floor(h))
    if i + 1 >= n:
        return sorted_vals[-1]
    return sorted_vals[i] + (h - i) * (sorted_vals[i + 1] - sorted_vals[i])


def summarize(vals):
    v = sorted(x for x in vals if x is not None)
    if not v:
        return {"n": 0, "mean": None, "q05": None, "q95": None}
    return {"n": len(v), "mean": sum(v) / len(v), "q05": quantile(v, 0.05), "q95": quantile(v, 0.95)}


def deviation(t, mean):
    """(mean - target) / scale, or the distance to the band over scale when there is no target value."""
    if t["target"] is not None:
        return (mean - t["target"]) / t["scale"]
    if t["lo"] is not None and mean < t["lo"]:
        return (mean - t["lo"]) / t["scale"]
    if t["hi"] is not None and mean > t["hi"]:
        return (mean - t["hi"]) / t["scale"]
    return 0.0


# ---------------------------------------------------------------- search

class Search:
    def __init__(self, tr, targets, params, runs, end_year, log):
        self.tr, self.targets, self.params, self.runs, self.end = tr, targets, params, runs, end_year
        self.log = log
        self.points = []          # dicts: label, stage, x (unit cube or None), values, outcomes, objective
        self.errors = {}          # target id -> why it has no value
        self.memo = {}

    def probe(self, start_year):
        """A one-run, one-year ensemble: the metrics this model produces. Decides the storage (compact
        when every country-technology metric needed is kept compact, else all) once, before the search,
        so that every point is read the same way; warns about metrics the model does not produce."""
        db = self.tr.ensemble([], 1, self.tr.seed, start_year, "probe")
        res = Results(db)
        need = set()
        for t in self.targets:
            for b in bases(t["tree"]):
                if b[1] == "world_price":
                    need |= {"production", "price_cost", "unit_cost"}
                elif b[2] is not None and b[3] is not None:
                    need.add(b[1])
                level = "tech" if b[2] is None else ("country" if b[3] is None else "country_tech")
                if b[1] != "world_price" and (b[1], level) not in res.metrics:
                    self.log(f"warning: target {t['id']}: no {level} metric '{b[1]}' in this model "
                             "(reported as n/a)")
        self.tr.keep = "compact" if all(n in res.compact for n in need) else "all"
        self.log(f"storage: --keep {self.tr.keep}")
        res.close()
        os.remove(db)

    def sets_for(self, values):
        return [f"{p['path']}={fmt_value(v)}" for p, v in zip(self.params, values)]

    def evaluate(self, values, stage, x=None, seed=None, label=None, as_is=False):
        """One ensemble at `values` (as_is: the scenario's own values, no --set)."""
        key = ("as-is" if as_is else tuple(fmt_value(v) for v in values), seed)
        if key in self.memo:
            return self.memo[key]
        tag = f"p{len(self.points):03d}"
        sets = [] if as_is else self.sets_for(values)
        db = self.tr.ensemble(sets, self.runs, seed if seed is not None else self.tr.seed, self.end, tag)
        res = Results(db)
        outcomes, per_run = {}, {}
        for t in self.targets:
            vals, err = res.values(t["tree"])
            per_run[t["id"]] = vals
            s = summarize(vals)
            if s["n"] == 0 and err:
                self.errors.setdefault(t["id"], err)
            elif s["n"] == 0:
                self.errors.setdefault(t["id"], "NaN or missing in every run")
            outcomes[t["id"]] = s
        res.close()
        os.remove(db)
        obj = self.objective({tid: s["mean"] for tid, s in outcomes.items()})
        missing = sum(1 for t in self.targets if t["role"] == "fit" and outcomes[t["id"]]["mean"] is None)
        pt = {"label": label or tag, "stage": stage, "x": x, "values": values, "outcomes": outcomes, "per_run": per_run,
              "objective": obj, "missing": missing, "seed": seed if seed is not None else self.tr.seed}
        self.points.append(pt)
        self.memo[key] = pt
        shown = "" if as_is else ", ".join(f"{p['path'].split('.')[-1]}={fmt_value(v)}"
                                           for p, v in zip(self.params, values))
        self.log(f"  {pt['label']:>8} {stage:<8} objective {obj:9.3f}  {shown or '(scenario values)'}")
        return pt

    def lhs(self, n, rng):
        d = len(self.params)
        cols = []
        for _ in range(d):
            perm = list(range(n))
            rng.shuffle(perm)
            cols.append([(perm[i] + rng.random()) / n for i in range(n)])
        return [[cols[j][i] for j in range(d)] for i in range(n)]

    def run(self, n_lhs, n_refine, design_seed, default_values):
        rng = random.Random(design_seed)
        self.log(f"default point (scenario values), {self.runs} runs")
        dx = None
        if all(v is not None for v in default_values):
            dx = [to_unit(p, v) for p, v in zip(self.params, default_values)]
        self.default = self.evaluate(default_values, "default", x=dx, label="default", as_is=True)
        self.log(f"Latin hypercube: {n_lhs} points x {self.runs} runs")
        for x in self.lhs(n_lhs, rng):
            self.evaluate([to_value(p, xi) for p, xi in zip(self.params, x)], "lhs", x=x)
        best = self.best()
        if n_refine > 0:
            d = len(self.params)
            h = 1.0 / (2.0 * max(n_lhs, 1) ** (1.0 / d))
            self.step0 = h
            if best["x"] is None:
                # the scenario's point, with parameters it leaves at built-in defaults: start from the best
                # point whose coordinates are known (not from the middle of the cube)
                placed = [pt for pt in self.points if pt.get("x") is not None]
                best = min(placed, key=lambda pt: pt["objective"]) if placed else best
            x = best["x"] if best["x"] is not None else [0.5] * d
            x = [min(1.0, max(0.0, xi)) for xi in x]
            cur = best
            used = 0
            self.log(f"compass search from {cur['label']} (step {h:.3g} of each range), at most {n_refine} points")
            while used < n_refine and h > 1e-3:
                improved = None
                for j in range(d):
                    for sgn in (1, -1):
                        if used >= n_refine:
                            break
                        y = list(x)
                        y[j] = min(1.0, max(0.0, y[j] + sgn * h))
                        if y[j] == x[j]:
                            continue
                        before = len(self.points)
                        pt = self.evaluate([to_value(p, yi) for p, yi in zip(self.params, y)], "refine", x=y)
                        used += len(self.points) - before
                        if pt["objective"] < cur["objective"] and (improved is None or
                                                                    pt["objective"] < improved[1]["objective"]):
                            improved = (y, pt)
                    if used >= n_refine:
                        break
                if improved:
                    x, cur = improved
                else:
                    h /= 2
        return self.best()

    def objective(self, means):
        obj = 0.0
        for t in self.targets:
            if t["role"] == "fit":
                m = means.get(t["id"])
                obj += MISSING_PENALTY if m is None else deviation(t, m) ** 2
        return obj

    def bootstrap(self, a, b, n_boot=1000, seed=12345):
        """Paired bootstrap over run indices of objective(b) - objective(a) (same seeds in both):
        (difference, 2.5% and 97.5% quantiles), and the standard error of objective(a)."""
        runs = len(next(iter(a["per_run"].values())))
        rng = random.Random(seed)

        def obj_of(pt, idx):
            means = {}
            for t in self.targets:
                if t["role"] == "fit":
                    v = [pt["per_run"][t["id"]][i] for i in idx]
                    v = [x for x in v if x is not None]
                    means[t["id"]] = sum(v) / len(v) if v else None
            return self.objective(means)
        diffs, objs = [], []
        for _ in range(n_boot):
            idx = [rng.randrange(runs) for _ in range(runs)]
            oa = obj_of(a, idx)
            objs.append(oa)
            diffs.append(obj_of(b, idx) - oa)
        diffs.sort()
        mean_o = sum(objs) / len(objs)
        se = math.sqrt(sum((o - mean_o) ** 2 for o in objs) / max(len(objs) - 1, 1))
        return b["objective"] - a["objective"], quantile(diffs, 0.025), quantile(diffs, 0.975), se

    def best(self):
        cands = [p for p in self.points if p["stage"] in ("default", "lhs", "refine")] or self.points
        return min(cands, key=lambda p: (p["objective"], len(p["label"]), p["label"]))


# ---------------------------------------------------------------- scenario reading

def get_path(d, path):
    cur = d
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


def is_path(v):
    return isinstance(v, dict) and v and all(isinstance(k, int) for k in v)


def inputs_section(scen):
    """Markdown: the data paths and settings the model is given (from the resolved scenario)."""
    out = []
    paths, consts, per_field = {}, {}, set()
    fields = {t.get("id") for t in scen.get("technologies", []) or []} | \
        {c.get("id") for c in scen.get("categories", []) or []} | {"all"}
    for c in scen.get("countries", []) or []:
        cid = c.get("id")

        def walk(x, prefix):
            for k, v in x.items():
                if k in ("id", "name", "alliance"):
                    continue
                key = prefix + str(k)
                if is_path(v):
                    paths.setdefault(key, []).append((cid, v))
                elif isinstance(v, dict) and v and all(kk in fields for kk in v):
                    consts.setdefault(key, []).append(cid)
                    per_field.add(key)
                elif isinstance(v, dict):
                    walk(v, key + ".")
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    consts.setdefault(key, []).append(cid)
        walk(c, "")

    def show_path(v):
        ys = sorted(v)
        return f"{v[ys[0]]:.4g} ({ys[0]}) … {v[ys[-1]]:.4g} ({ys[-1]})" if len(ys) > 1 else f"{v[ys[0]]:.4g} ({ys[0]})"

    out.append("Time paths given year by year (piecewise linear between their points, flat outside; sources in "
               "`docs/DATA.md` and the comments of the scenario file). These are **inputs**: the model reproduces "
               "them by construction, so they are not evidence of fit.")
    out.append("")
    out.append("| input (per bloc) | blocs with a path | years | US | CN |")
    out.append("|---|---|---|---|---|")
    for key in sorted(paths):
        lst = paths[key]
        years = sorted({y for _, v in lst for y in v})
        by = dict(lst)
        us = show_path(by["US"]) if "US" in by else "–"
        cn = show_path(by["CN"]) if "CN" in by else "–"
        const = [c for c in consts.get(key, [])]
        blocs = ", ".join(c for c, _ in lst) + (f" (constant: {', '.join(const)})" if const else "")
        out.append(f"| `{key}` | {blocs} | {years[0]}–{years[-1]} | {us} | {cn} |")
    out.append("")
    rest = sorted(k for k in consts if k not in paths)
    out.append("Per-bloc constants: initial conditions and settings, each with its source or \"assumption\" in the "
               "scenario file and `docs/DATA.md`; none is fitted here (blocs that set them in brackets):")
    out.append("")
    out.append(", ".join(f"`{k}`" + (" per field" if k in per_field else "") +
                         (f" ({', '.join(consts[k])})" if len(consts[k]) < 8 else "") for k in rest) + ".")
    out.append("")
    techs = scen.get("technologies", []) or []
    tkeys = {}
    for t in techs:
        for k in t:
            if k not in ("id", "name", "category"):
                tkeys[k] = tkeys.get(k, 0) + 1
    if tkeys:
        out.append(f"Per-technology data ({len(techs)} technologies; technologies that set each in brackets): " +
                   ", ".join(f"`{k}` ({n})" for k, n in sorted(tkeys.items())) + ".")
        out.append("")
    events = scen.get("events", []) or []
    if events:
        out.append(f"Policy events ({len(events)}; the policy timeline is an input too; money in US$ bn a year):")
        out.append("")
        out.append("| event | type | actor | from | to | numbers |")
        out.append("|---|---|---|---|---|---|")
        for e in events:
            nums = [f"{k} {e[k]:g}" for k in e if k not in ("start", "end") and
                    isinstance(e[k], (int, float)) and not isinstance(e[k], bool)]
            out.append(f"| `{e.get('id', '?')}` | {e.get('type', '?')} | {e.get('actor', '–')} | {e.get('start', '–')} | "
                       f"{e.get('end', '–')} | {', '.join(nums) or '–'} |")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- report

def show(t, v, signed=False):
    if v is None:
        return "n/a"
    if t["unit"] == "%":
        d = 2 if abs(100 * v) < 10 else 1
        return f"{100 * v:+.{d}f}%" if signed else f"{100 * v:.{d}f}%"
    a = abs(v)
    return f"{v:.3g}" if a < 100 else f"{v:.0f}"


def show_target(t):
    parts = []
    one_sided = (t["lo"] is None) != (t["hi"] is None)
    if t["target"] is not None and not (one_sided and t["target"] in (t["lo"], t["hi"])):
        parts.append(show(t, t["target"], signed=t["target"] < 0 and t["unit"] == "%"))
    if t["lo"] is not None or t["hi"] is not None:
        if t["lo"] is not None and t["hi"] is not None:
            parts.append(f"[{show(t, t['lo'])}, {show(t, t['hi'])}]")
        elif t["lo"] is not None:
            parts.append(f"≥ {show(t, t['lo'])}")
        else:
            parts.append(f"≤ {show(t, t['hi'])}")
    return " ".join(parts)


def in_band(t, m):
    if m is None:
        return "n/a"
    lo, hi = t["lo"], t["hi"]
    if lo is None and hi is None and t["scale"]:
        lo, hi = t["target"] - t["scale"], t["target"] + t["scale"]
    ok = (lo is None or m >= lo) and (hi is None or m <= hi)
    return "yes" if ok else "no"


def outcome_cell(t, s):
    if s["mean"] is None:
        return "n/a"
    return f"{show(t, s['mean'])} [{show(t, s['q05'])}, {show(t, s['q95'])}]"


def rel(path):
    """A path as the report shows it: relative to the repository when inside it, else its name."""
    ap = os.path.abspath(path)
    return os.path.relpath(ap, ROOT) if ap.startswith(ROOT + os.sep) else os.path.basename(ap)


def write_report(path, a, search, best, final_best, final_default, scen, defaults, cmd, notes):
    params, targets = search.params, search.targets
    L = []
    L.append("# Calibration")
    L.append("")
    L.append("<!-- Generated by tools/calibrate/calibrate.py (`make calibrate`); do not edit by hand. "
             "Hand-written notes live in tools/calibrate/notes.md and are copied in at the end. -->")
    L.append("")
    scen_name = a.scenario or "the default scenario (`scenarios/default.yaml`, embedded in the binary)"
    L.append(f"Generated by `{cmd}` on {scen_name}, program {a.version}. It fits the free **global** parameters of "
             f"`{rel(a.params)}` to the `fit` targets of `{rel(a.targets)}` over ensembles "
             "of runs and checks the `holdout` targets, which the search never sees. The data the model is given are "
             "listed first, as inputs: reproducing an input is not a result.")
    L.append("")
    if a.runs < 20:
        L.append(f"**Quick look: {a.runs} runs per point, below the 20 the calibration needs; "
                 "numbers are indicative only.**")
        L.append("")
    L.append("## Regenerate")
    L.append("")
    L.append("```sh")
    L.append("make calibrate          # = python3 tools/calibrate/calibrate.py --techrace build/techrace")
    L.append("CALIB_POINTS=4 CALIB_RUNS=4 CALIB_REFINE=2 make calibrate   # a quick look (not for the record)")
    L.append("```")
    L.append("")
    L.append(f"This page: {a.points} Latin-hypercube points, {a.refine} refinement points at most, {a.runs} runs "
             f"per point, seed {a.seed} (runs 0–{a.runs - 1}; fresh seed {a.seed + 1} for the reported outcomes), "
             f"design seed {a.design_seed}; {search.tr.n_runs_done} runs of the model in all.")
    L.append("")
    L.append("## Inputs")
    L.append("")
    L.append(inputs_section(scen) if scen else "(the scenario could not be read as YAML)")
    L.append("")
    L.append(f"The other global parameters (`parameters.*` in `docs/SCENARIO.md`) keep the scenario's values.")
    L.append("")
    L.append("## Fitted parameters")
    L.append("")
    L.append("Only global parameters are free; no per-country or per-field setting is fitted.")
    L.append("")
    L.append("| parameter | range | spacing | scenario value | best | why it is free |")
    L.append("|---|---|---|---|---|---|")
    for p, dv, bv in zip(params, defaults, best["values"]):
        L.append(f"| `{p['path']}` | {fmt_value(p['lo'])} – {fmt_value(p['hi'])} | {p['spacing']} | "
                 f"{fmt_value(dv) if dv is not None else '?'} | **{fmt_value(bv)}** | {p['why']} |")
    L.append("")
    carried = all(dv is not None and fmt_value(dv) == fmt_value(bv) for dv, bv in zip(defaults, best["values"]))
    if carried:
        L.append("The scenario already carries the best values.")
    else:
        L.append("**The scenario does not carry these values** (the lead decides whether `scenarios/default.yaml` "
                 "takes them). To run with them: `techrace run tools/calibrate/best.yaml` (an override file of "
                 "the scenario), or `--set` each: " +
                 " ".join(f"`--set {s}`" for s in search.sets_for(best["values"])) + ".")
    L.append("")
    L.append("**Search.** Method of simulated moments over ensembles: objective = Σ over `fit` targets of "
             "((ensemble mean − target) / scale)², the scale being each target's stated tolerance "
             f"(a fit target with no value in any run adds {MISSING_PENALTY:g}). Every point is a "
             f"`techrace ensemble` of {a.runs} runs with the same seeds (common random numbers), so points differ "
             "by their parameters only. Points: the scenario's own values; a Latin hypercube of "
             f"{a.points} points over the ranges (log-spaced where marked); then a compass search from the best "
             f"point (each parameter ± a step in the unit cube, halved when no neighbour improves; "
             f"{sum(1 for p in search.points if p['stage'] == 'refine')} points). The best point and the scenario's "
             f"values were then re-run on a fresh seed ({a.seed + 1}) for the outcomes below, so that they are not "
             "the seeds the search selected on. The design is drawn here rather than by `techrace sweep --lhs` "
             "because the PV price needs `unit_cost`, kept per run only with `--keep all`: one ensemble at a time "
             "keeps one point's runs on disk (~90 MB) instead of the whole design's; the tool switches to compact "
             "storage by itself once every metric it needs is kept compact.")
    L.append("")
    d, lo, hi, se = search.bootstrap(final_default, final_best)
    L.append(f"| | objective (search seeds) | objective (fresh seed) |")
    L.append("|---|---|---|")
    L.append(f"| scenario values | {search.default['objective']:.3f} | {final_default['objective']:.3f} |")
    name = "the scenario values" if best is search.default else f"{best['label']}, {best['stage']}"
    L.append(f"| best ({name}) | {best['objective']:.3f} | {final_best['objective']:.3f} |")
    L.append("")
    if best is search.default:
        L.append("No point of the search improved on the scenario's values.")
    else:
        L.append(f"On the fresh seed the best point changes the objective by {d:+.3f} against the scenario's values "
                 f"(95% paired bootstrap interval over runs [{lo:+.3f}, {hi:+.3f}]"
                 f"{'; distinguishable from seed noise' if hi < 0 or lo > 0 else '; within seed noise'}).")
    L.append(f"Seed noise of the objective itself: bootstrap standard error {se:.3f} at the scenario's values "
             f"({a.runs} runs); differences between points of the search smaller than that are not meaningful.")
    L.append("")
    ranked = sorted((p for p in search.points if p["stage"] != "final"), key=lambda p: p["objective"])[:10]
    L.append("The ten best points of the search:")
    L.append("")
    L.append("| point | stage | objective | " + " | ".join(f"`{p['path'].split('.')[-1]}`" for p in params) + " |")
    L.append("|---|---|---|" + "---|" * len(params))
    for p in ranked:
        vals = p["values"] if p["values"] is not None else defaults
        L.append(f"| {p['label']} | {p['stage']} | {p['objective']:.3f} | " +
                 " | ".join(fmt_value(v) if v is not None else "?" for v in vals) + " |")
    L.append("")
    L.append("## Outcomes")
    L.append("")
    L.append(f"Ensemble mean and 90% band (5th–95th percentile over {a.runs} runs, seed {a.seed + 1}) at the best "
             "point and at the scenario's values. *In band*: the best point's mean lies within the target's "
             "tolerance. `fit` targets were used in the search; `holdout` targets were not.")
    L.append("")
    L.append("| target | metric | role | target | best: mean [5%, 95%] | in band | scenario values: mean [5%, 95%] "
             "| source |")
    L.append("|---|---|---|---|---|---|---|---|")
    for t in targets:
        sb, sd = final_best["outcomes"][t["id"]], final_default["outcomes"][t["id"]]
        L.append(f"| {t['id']} | `{t['metric']}` | {t['role']} | {show_target(t)} | {outcome_cell(t, sb)} | "
                 f"{in_band(t, sb['mean'])} | {outcome_cell(t, sd)} | {t['source']} |")
    L.append("")
    notes_t = [t for t in targets if t["note"]]
    if notes_t:
        L.append("Notes on the targets:")
        L.append("")
        for t in notes_t:
            L.append(f"- {t['id']}: {t['note']}")
        L.append("")
    if search.errors:
        L.append("Targets without a value (metric missing from this model or NaN in every run):")
        L.append("")
        for tid, why in sorted(search.errors.items()):
            L.append(f"- {tid}: {why}")
        L.append("")
    L.append("Metrics: `NAME:COUNTRY@YEAR` and `NAME:COUNTRY:TECH@YEAR` as in `docs/EXPERIMENTS.md`; `WORLD` sums "
             "over blocs; `world_price::TECH@YEAR` is world sales over world units, Σ production / Σ (production / "
             "(price_cost × unit_cost)); `change(A, B)` = B / A − 1 per run, `ratio(A, B)` = A / B per run. The "
             "tracker of year Y counts high-impact papers of Y−4..Y (`window_years` 5), so `techs_led@2007` is "
             "ASPI's 2003–2007 window and `techs_led@2022` the 2018–2022 data of the 2023 tracker.")
    L.append("")
    if notes:
        L.append("---")
        L.append("")
        L.append(notes.rstrip())
        L.append("")
    text = "\n".join(L)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_best(path, a, params, best, cmd):
    tree = {}
    for p, v in zip(params, best["values"]):
        parts = p["path"].split(".")[1:]
        cur = tree
        for part in parts[:-1]:
            cur = cur.setdefault(part, {})
        cur[parts[-1]] = v
    if a.scenario:
        inc = os.path.relpath(os.path.abspath(a.scenario), os.path.dirname(os.path.abspath(path)))
        if inc == "default":
            inc = "./default"
    else:
        inc = "default"

    def emit(d, indent):
        lines = []
        for k, v in d.items():
            if isinstance(v, dict):
                lines.append(" " * indent + f"{k}:")
                lines += emit(v, indent + 2)
            else:
                lines.append(" " * indent + f"{k}: {fmt_value(v)}")
        return lines

    lines = [f"# best.yaml -- generated by `{cmd}` (tools/calibrate/calibrate.py): the best point of the",
             f"# calibration search (objective {best['objective']:.3f} on the search seeds; docs/CALIBRATION.md).",
             "# An override file: `techrace run tools/calibrate/best.yaml`. Not read by default.",
             f"include: [{inc}]",
             "parameters:"] + emit(tree, 2)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------- main

def env_int(name, default):
    v = os.environ.get(name)
    if v is None or v == "":
        return default
    try:
        n = int(v)
    except ValueError:
        raise InputError(f"{name}='{v}' is not a whole number")
    return n


def main(argv):
    ap = argparse.ArgumentParser(
        prog="calibrate.py",
        description="Fit techrace's free global parameters to tools/calibrate/targets.tsv over ensembles "
                    "and write docs/CALIBRATION.md (see the header of this file).")
    ap.add_argument("--techrace", default=os.path.join(ROOT, "build", "techrace"), help="the techrace binary")
    ap.add_argument("--scenario", default=None, help="scenario file (default: the embedded default scenario)")
    ap.add_argument("--targets", default=os.path.join(HERE, "targets.tsv"))
    ap.add_argument("--params", default=os.path.join(HERE, "params.tsv"))
    ap.add_argument("--notes", default=os.path.join(HERE, "notes.md"),
                    help="hand-written notes appended to the report ('' for none)")
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "CALIBRATION.md"), help="report to write")
    ap.add_argument("--best", default=os.path.join(HERE, "best.yaml"), help="override file of the best point")
    ap.add_argument("--points", type=int, default=None, help=f"Latin-hypercube points (env CALIB_POINTS, default {DEFAULT_POINTS})")
    ap.add_argument("--runs", type=int, default=None, help=f"runs per point (env CALIB_RUNS, default {DEFAULT_RUNS})")
    ap.add_argument("--refine", type=int, default=None, help=f"refinement points at most (env CALIB_REFINE, default {DEFAULT_REFINE})")
    ap.add_argument("--seed", type=int, default=1, help="seed of the search's runs (the outcomes use seed + 1)")
    ap.add_argument("--design-seed", type=int, default=20240901, help="seed of the Latin hypercube")
    ap.add_argument("--threads", type=int, default=None, help="techrace threads (env CALIB_THREADS; default: all)")
    ap.add_argument("--check", action="store_true", help="check the tables and parameters, run nothing")
    a = ap.parse_args(argv)
    t_start = time.monotonic()
    log = lambda s: print(s, file=sys.stderr, flush=True)
    try:
        a.points = a.points if a.points is not None else env_int("CALIB_POINTS", DEFAULT_POINTS)
        a.runs = a.runs if a.runs is not None else env_int("CALIB_RUNS", DEFAULT_RUNS)
        a.refine = a.refine if a.refine is not None else env_int("CALIB_REFINE", DEFAULT_REFINE)
        a.threads = a.threads if a.threads is not None else env_int("CALIB_THREADS", 0)
        if a.points < 1 or a.runs < 1 or a.refine < 0:
            raise InputError("need points >= 1, runs >= 1, refine >= 0")
        targets = read_targets(a.targets)
        params = read_params(a.params)
        if not os.access(a.techrace, os.X_OK):
            raise InputError(f"{a.techrace}: not an executable (build first: make build)")
        r = subprocess.run([a.techrace, "--version"], capture_output=True, text=True)
        a.version = r.stdout.strip() or "?"
        tr = Techrace(a.techrace, a.scenario, a.threads, None, a.seed)
        rc, text, err = tr.show()
        if rc != 0:
            raise InputError(f"scenario: {err.strip()}")
        scen = yaml.safe_load(text) if yaml else None
        for p in params:
            for v in (p["lo"], p["hi"]):
                rc, _, err = tr.show([f"{p['path']}={fmt_value(v)}"])
                if rc != 0:
                    raise InputError(f"{a.params}: parameter {p['path']}={fmt_value(v)}: {err.strip()}")
        defaults = [get_path(scen, p["path"]) if scen else None for p in params]
        defaults = [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None for v in defaults]
        missing = [p["path"] for p, v in zip(params, defaults) if scen and v is None]
        if missing:
            log(f"warning: not set in the scenario (it uses the built-in default): {', '.join(missing)}; the "
                "scenario's point has no place in the search's cube, so the compass search cannot start from it: "
                "give each a value in the scenario file")
        end_year = max(b[4] for t in targets for b in bases(t["tree"]))
        cal = scen.get("calendar", {}) if scen else {}
        if isinstance(cal, dict) and isinstance(cal.get("end"), int) and cal["end"] < end_year:
            end_year = None     # the scenario ends earlier: run it all; later years are reported as missing
        if a.check:
            log(f"ok: {len(targets)} targets ({sum(t['role'] == 'fit' for t in targets)} fit), {len(params)} parameters")
            return 0
    except InputError as e:
        print(f"calibrate: error: {e}", file=sys.stderr)
        return 2

    notes = ""
    if a.notes:
        try:
            with open(a.notes, encoding="utf-8") as f:
                notes = f.read()
        except OSError:
            notes = ""
    cmd = "make calibrate"
    if (a.points, a.runs, a.refine) != (DEFAULT_POINTS, DEFAULT_RUNS, DEFAULT_REFINE):
        cmd = f"CALIB_POINTS={a.points} CALIB_RUNS={a.runs} CALIB_REFINE={a.refine} make calibrate"
    if a.scenario or os.path.abspath(a.targets) != os.path.join(HERE, "targets.tsv") or \
            os.path.abspath(a.params) != os.path.join(HERE, "params.tsv"):
        cmd = "python3 tools/calibrate/calibrate.py " + " ".join(shlex.quote(x) for x in argv)
    work = tempfile.mkdtemp(prefix="techrace-calib-")
    tr.workdir = work
    try:
        search = Search(tr, targets, params, a.runs, end_year, log)
        search.probe(cal.get("start", 2000) if isinstance(cal, dict) and isinstance(cal.get("start"), int) else 2000)
        best = search.run(a.points, a.refine, a.design_seed, defaults)
        log(f"best: {best['label']} objective {best['objective']:.3f}; re-running it and the scenario values "
            f"on seed {a.seed + 1}")
        final_default = search.evaluate(search.default["values"], "final", seed=a.seed + 1, label="default*",
                                        as_is=True)
        final_best = final_default if best is search.default else \
            search.evaluate(best["values"], "final", seed=a.seed + 1, label="best*")
        write_report(a.doc, a, search, best, final_best, final_default, scen, defaults, cmd, notes)
        write_best(a.best, a, params, best, cmd)
    except RuntimeError as e:
        print(f"calibrate: error: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log(f"wrote {a.doc} and {a.best}")
    print("best parameters (objective %.3f on the search seeds, %.3f on seed %d):"
          % (best["objective"], final_best["objective"], a.seed + 1))
    for s in search.sets_for(best["values"]):
        print(f"  --set {s}")
    took = time.monotonic() - t_start
    log(f"{tr.n_runs_done} runs in {took:.0f} s ({tr.run_seconds / max(tr.n_runs_done, 1):.3f} s a run, wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
