#!/usr/bin/env python3
"""Solves the planner benchmark's instances again with HiGHS and OR-Tools and compares.

    bench-solvers.py DIR [--runs N] [--solvers highs,ortools] [--json OUT]

DIR holds what `PLANNER_BENCH_OUT=DIR cargo bench -p jiuzai --bench planner` writes: per instance
NAME.instance.json (supplies, demands with tier and weight, the depot × area minutes with null for
no route, the deadline) and NAME.planner.json (the planner's tier fills as exact fractions, total
delivered, Σ quantity × weight × minutes, wall times of its runs).

The problem, per item, lexicographically (backend/src/planner/mod.rs):
  1. fairness, level by level: for strict tiers one level per tier from the highest, an area's
     scale s_a its demand D_a; for the weighted policy one level of all areas, s_a = D_a × its
     fill weight (1..1,000); for the most delivered no level. A level's value is the largest λ
     such that every reachable area a of it can get its target min(D_a, ⌈λ·s_a⌉) while the areas
     of the levels before it keep the planner's floors. λ is one of the breakpoints k/s_a (the
     rounding rule). The planner then raises the rest of the level on (leximin); its floors must
     reach the targets at λ, which is what is compared here (the next-worst areas after the
     minimum are checked against brute force in the planner's property tests);
  2. the most delivered in total, every area between its floor and its demand;
  3. the least Σ quantity × weight × minutes delivering that total, above the planner's floors.
Only depots with stock, areas with demand and routes with a travel time take part; an area that no
depot with stock reaches is left out of its level (the planner reports it as unreachable).

A level's λ is found by bisection over the breakpoints (Level.largest), each probe a feasibility
question: HiGHS answers it with an LP (the flow polytope is totally unimodular, so an LP-feasible
integer target vector has an integer flow), OR-Tools with a max flow whose area → sink capacities
are the targets. HiGHS first narrows the range with the LP relaxation (max t with the flow into
each area ≥ min(D_a, t·s_a), in stages between the areas' full levels D_a/s_a); its step 2 is an
LP for the most delivered and step 3 an LP for the least cost with Σ flow ≥ that total, one model
re-solved warm after each change. OR-Tools' step 2 is one max flow with the capacities at the
demands (the same value as with the floors as lower bounds, since augmenting never lowers an
area's inflow) and step 3 SimpleMinCostFlow with the floors as fixed balances.

ortools ships its own copy of HiGHS, whose symbols clash with highspy's in one process, so every
solve runs in a forked child that imports only its own solver; the parent imports neither. The
child also measures its peak memory above what it inherited (VmHWM − VmRSS at the fork).
"""

import argparse
import importlib
import json
import multiprocessing
import os
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

SCALE_ORDER = {"small": 0, "city": 1, "province": 2}


class Instance:
    """The instance with negative quantities read as zero and the usable routes listed."""

    def __init__(self, raw):
        self.name = raw["name"]
        self.supply = np.maximum(np.array(raw["supplies"], dtype=np.int64), 0)
        demands = raw["demands"]
        self.demand = np.maximum(np.array([d["quantity"] for d in demands], dtype=np.int64), 0)
        self.tier = np.array([d["tier"] for d in demands], dtype=np.int64)
        self.weight = np.maximum(np.array([d["weight"] for d in demands], dtype=np.int64), 1)
        self.policy = raw.get("policy", "strict_tiers")
        fill_weight = np.clip(np.array([d.get("fill_weight", 1000) for d in demands], dtype=np.int64), 1, 1000)
        self.scale = self.demand * fill_weight if self.policy == "weighted" else self.demand.copy()
        self.depots, self.areas = len(self.supply), len(self.demand)
        minutes = np.array(raw["minutes"], dtype=np.float64).reshape(self.depots, self.areas)  # null → nan
        usable = ~np.isnan(minutes) & (self.supply[:, None] > 0) & (self.demand[None, :] > 0)
        self.route_depot, self.route_area = np.nonzero(usable)
        self.route_minutes = minutes[usable].astype(np.int64)
        self.route_cost = self.route_minutes * self.weight[self.route_area]
        self.reachable = np.zeros(self.areas, dtype=bool)
        self.reachable[self.route_area] = True
        self.tiers = sorted({int(t) for t in self.tier[self.reachable]}, reverse=True)

    def levels(self):
        """The fairness levels in order, each as (label, member areas)."""
        if self.policy == "weighted":
            return [("weighted", np.nonzero(self.reachable)[0])] if self.reachable.any() else []
        if self.policy == "most_delivered":
            return []
        return [(f"tier {t}", np.nonzero(self.reachable & (self.tier == t))[0]) for t in self.tiers]


class Level:
    """One fairness level: its areas' demands and scales; a level λ targets min(D, ⌈λ·s⌉)."""

    def __init__(self, demand, scale):
        self.demand = [int(d) for d in demand]
        self.scale = [int(x) for x in scale]
        self.top = max(Fraction(d, x) for d, x in zip(self.demand, self.scale))  # every area full

    def targets(self, level):
        num, den = level.numerator, level.denominator
        return np.array([min(d, -((-num * x) // den)) for d, x in zip(self.demand, self.scale)], dtype=np.int64)

    def breakpoint_from(self, level, above):
        """The smallest breakpoint k/s ≥ level (> level if above), or None past every full level."""
        num, den = level.numerator, level.denominator
        best = None
        for d, x in zip(self.demand, self.scale):
            k = (num * x) // den + 1 if above else -((-num * x) // den)
            if k <= d and (best is None or k * best[1] < best[0] * x):
                best = (k, x)
        return None if best is None else Fraction(*best)

    def own(self, floors):
        """The level the floors reach: the smallest floor ÷ scale among areas not full, else the top."""
        short = [Fraction(int(f), x) for f, d, x in zip(floors, self.demand, self.scale) if f < d]
        return min(short) if short else self.top

    def largest(self, fits, low=Fraction(0), high=None):
        """The largest breakpoint λ whose targets fit, given that low's do and high's (if given) do not.

        Bisection on the real line: the targets only change at breakpoints, so a midpoint's targets
        are those of the first breakpoint at or above it."""
        if high is None:
            if fits(self.targets(self.top)):
                return self.top
            high = self.top
        while True:
            following = self.breakpoint_from(low, above=True)
            if following is None or following >= high:
                return low
            middle = (low + high) / 2
            probe = self.breakpoint_from(middle, above=False)
            if probe is not None and probe < high and fits(self.targets(probe)):
                low = probe
            else:
                high = middle


class Clock:
    """Adds up the time spent inside solver calls."""

    def __init__(self):
        self.solver = 0.0

    def __call__(self, solve):
        started = time.perf_counter()
        result = solve()
        self.solver += time.perf_counter() - started
        return result


def solve_highs(inst):
    import highspy

    clock = Clock()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    routes = len(inst.route_depot)
    # columns: one flow per route, then t; rows: one per depot (≤ supply), one per area (target..demand)
    start = np.arange(0, 2 * routes + 1, 2, dtype=np.int32)
    start = np.append(start, start[-1]).astype(np.int32)
    index = np.empty(2 * routes, dtype=np.int32)
    index[0::2] = inst.route_depot
    index[1::2] = inst.depots + inst.route_area
    lp = highspy.HighsLp()
    lp.num_col_ = routes + 1
    lp.num_row_ = inst.depots + inst.areas
    lp.col_cost_ = np.zeros(routes + 1)
    lp.col_lower_ = np.zeros(routes + 1)
    lp.col_upper_ = np.append(np.full(routes, inf), 0.0)
    lp.row_lower_ = np.concatenate([np.full(inst.depots, -inf), np.zeros(inst.areas)])
    lp.row_upper_ = np.concatenate([inst.supply, inst.demand]).astype(np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = np.ones(2 * routes)
    lp.sense_ = highspy.ObjSense.kMaximize
    h.passModel(lp)
    t_col = routes

    def run():
        clock(h.run)
        return h.getModelStatus()

    def relaxation(members, level):
        """1a: the LP optimum of max t with the flow into each member ≥ min(D_a, t·s_a), an upper
        bound on λ; in stages between the full levels, areas full below the stage held at D_a. The
        column is t × the largest scale, so its values are quantities: weighted levels are of the
        order 1e-3, and HiGHS's tolerances stopped the LP at 1.5e-5 in those units."""
        unit = max(level.scale)
        below, t = Fraction(0), 0.0
        for full in sorted({Fraction(d, x) for d, x in zip(level.demand, level.scale)}):
            for a, d, x in zip(members, level.demand, level.scale):
                held = Fraction(d, x) <= below
                h.changeCoeff(inst.depots + int(a), t_col, 0.0 if held else -x / unit)
                h.changeRowBounds(inst.depots + int(a), float(d) if held else 0.0, float(d))
            h.changeColBounds(t_col, float(below * unit), float(full * unit))
            h.changeColCost(t_col, 1.0)
            status = run()
            assert status == highspy.HighsModelStatus.kOptimal, f"{inst.name}: relaxation {status}"
            t = h.getInfo().objective_function_value / unit
            if t < float(full) * (1 - 1e-12):
                break
            below = full
        for a in members:
            h.changeCoeff(inst.depots + int(a), t_col, 0.0)
        h.changeColBounds(t_col, 0.0, 0.0)
        h.changeColCost(t_col, 0.0)
        return t

    levels, lp_levels = [], []
    for label, members in inst.levels():
        level = Level(inst.demand[members], inst.scale[members])
        rows = (inst.depots + members).astype(np.int32)
        upper = inst.demand[members].astype(np.float64)

        def fits(targets):
            h.changeRowsBounds(len(members), rows, targets.astype(np.float64), upper)
            return run() == highspy.HighsModelStatus.kOptimal

        t_lp = relaxation(members, level)
        lp_levels.append(t_lp)
        # 1b: the largest breakpoint ≤ t_LP whose targets fit. ⌊t_LP·s_a⌋/s_a for the tightest
        # area not full fits (its targets lie below the LP's flow): the search starts there.
        if t_lp >= float(level.top) * (1 - 1e-12) and fits(level.targets(level.top)):
            value = level.top
        else:
            t_low = t_lp * (1 - 1e-9)
            short = [Fraction(int(np.floor(t_low * x)), x) for d, x in zip(level.demand, level.scale) if t_low * x < d]
            low = min(short, default=Fraction(0))
            if not fits(level.targets(low)):
                low = Fraction(0)
            value = level.largest(fits, low, Fraction(t_lp) * (1 + Fraction(1, 10**9)) + Fraction(1, 10**15))
        levels.append((label, value))
        # the later levels and steps keep the planner's floors for this level's areas
        h.changeRowsBounds(len(members), rows, inst.floors[members].astype(np.float64), upper)
    # 2: most delivered
    h.changeColsCost(routes, np.arange(routes, dtype=np.int32), np.ones(routes))
    status = run()
    assert status == highspy.HighsModelStatus.kOptimal, f"{inst.name}: step 2 {status}"
    total = h.getInfo().objective_function_value
    # 3: cheapest routing of that total
    h.addRow(round(total), inf, routes, np.arange(routes, dtype=np.int32), np.ones(routes))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.changeColsCost(routes, np.arange(routes, dtype=np.int32), inst.route_cost.astype(np.float64))
    status = run()
    assert status == highspy.HighsModelStatus.kOptimal, f"{inst.name}: step 3 {status}"
    cost = h.getInfo().objective_function_value
    return {"levels": levels, "lp_levels": lp_levels, "total": total, "cost": cost, "solver_s": clock.solver}


def solve_ortools(inst):
    from ortools.graph.python import max_flow, min_cost_flow

    clock = Clock()
    routes = len(inst.route_depot)
    source, sink = 0, 1 + inst.depots + inst.areas
    depot_node = 1 + np.arange(inst.depots)
    area_node = 1 + inst.depots + np.arange(inst.areas)
    reachable = np.nonzero(inst.reachable)[0]
    big = int(inst.supply.sum())
    tails = np.concatenate([np.full(inst.depots, source), depot_node[inst.route_depot], area_node[reachable]])
    heads = np.concatenate([depot_node, area_node[inst.route_area], np.full(len(reachable), sink)])
    capacities = np.concatenate([inst.supply, np.full(routes, big), np.zeros(len(reachable), dtype=np.int64)])
    flow = max_flow.SimpleMaxFlow()
    arcs = flow.add_arcs_with_capacity(tails, heads, capacities)
    sink_arc = np.full(inst.areas, -1, dtype=np.int64)
    sink_arc[reachable] = arcs[inst.depots + routes:]

    def max_flow_with(caps):
        """Max flow with area → sink capacities caps (per area)."""
        flow.set_arcs_capacity(sink_arc[reachable], caps[reachable])
        status = clock(lambda: flow.solve(source, sink))
        assert status == flow.OPTIMAL, status
        return flow.optimal_flow()

    floors = np.zeros(inst.areas, dtype=np.int64)
    levels = []
    flow_started = time.perf_counter()
    flow_solver_before = clock.solver
    for label, members in inst.levels():
        level = Level(inst.demand[members], inst.scale[members])

        def fits(targets):
            caps = floors.copy()
            caps[members] = targets
            return max_flow_with(caps) == caps.sum()

        levels.append((label, level.largest(fits)))
        floors[members] = inst.floors[members]
    total = max_flow_with(inst.demand)
    steps12_s = time.perf_counter() - flow_started
    steps12_solver_s = clock.solver - flow_solver_before

    # 3: min-cost flow with fixed balances; the rest of the total runs over area → sink arcs
    mcf_started = time.perf_counter()
    cheapest = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(inst.depots, source), depot_node[inst.route_depot], area_node[reachable]])
    heads = np.concatenate([depot_node, area_node[inst.route_area], np.full(len(reachable), sink)])
    capacities = np.concatenate([inst.supply, np.full(routes, big), (inst.demand - floors)[reachable]])
    costs = np.concatenate([np.zeros(inst.depots, dtype=np.int64), inst.route_cost, np.zeros(len(reachable), dtype=np.int64)])
    cheapest.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source] = total
    supplies[area_node] = -floors
    supplies[sink] = -(total - floors.sum())
    cheapest.set_nodes_supplies(np.arange(sink + 1), supplies)
    mcf_solver_before = clock.solver
    status = clock(cheapest.solve)
    assert status == cheapest.OPTIMAL, f"{inst.name}: min-cost flow {status}"
    mcf_solver_s = clock.solver - mcf_solver_before
    mcf_s = time.perf_counter() - mcf_started
    return {
        "levels": levels,
        "total": total,
        "cost": cheapest.optimal_cost(),
        "solver_s": clock.solver,
        "steps12_s": steps12_s,
        "steps12_solver_s": steps12_solver_s,
        "mcf_s": mcf_s,
        "mcf_solver_s": mcf_solver_s,
    }


def memory_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child(solver, inst, pipe):
    importlib.import_module({"highs": "highspy", "ortools": "ortools.graph.python.min_cost_flow"}[solver])
    inherited = memory_kib("VmRSS")
    started = time.perf_counter()  # the import (up to 0.5 s) is not counted
    result = {"highs": solve_highs, "ortools": solve_ortools}[solver](inst)
    result["end_to_end_s"] = time.perf_counter() - started
    result["extra_peak_mib"] = (memory_kib("VmHWM") - inherited) / 1024
    pipe.send(result)
    pipe.close()


def solve_in_child(solver, inst):
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(solver, inst, send))
    process.start()
    send.close()
    try:
        result = receive.recv()
    except EOFError:
        result = None
    process.join()
    if result is None:
        raise RuntimeError(f"{solver} failed on {inst.name} (exit {process.exitcode})")
    return result


def close(a, b, rel=1e-6):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def planner_levels(inst):
    """The level the planner's floors reach in each fairness level."""
    return [(label, Level(inst.demand[m], inst.scale[m]).own(inst.floors[m])) for label, m in inst.levels()]


def compare(inst, planner, answer):
    """The disagreements between the planner's result and one solver's answer."""
    problems = []
    if planner_levels(inst) != answer["levels"]:
        problems.append(f"levels: planner {planner_levels(inst)}, solver {answer['levels']}")
    if inst.policy == "strict_tiers":
        planner_fills = [(f"tier {t['tier']}", Fraction(t["min_fill"]["num"], t["min_fill"]["den"])) for t in planner["tier_fill"]]
        if planner_fills != answer["levels"]:
            problems.append(f"tier fills: planner {planner_fills}, solver {answer['levels']}")
    if not close(planner["total_delivered"], answer["total"]):
        problems.append(f"total: planner {planner['total_delivered']}, solver {answer['total']}")
    if not close(planner["weighted_minutes"], answer["cost"]):
        problems.append(f"weighted minutes: planner {planner['weighted_minutes']}, solver {answer['cost']}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="solves per instance and solver (median reported)")
    parser.add_argument("--province-runs", type=int, default=1, help="runs on province-scale instances")
    parser.add_argument("--solvers", default="highs,ortools")
    parser.add_argument("--highs-max-routes", type=int, default=1_000_000, help="skip HiGHS on larger instances (minutes to hours per solve)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args()
    solvers = [s for s in args.solvers.split(",") if s]

    def order(path):
        """small, city, province; strict tiers before weighted; by seed."""
        scale, *policy, seed = path.name.removesuffix(".instance.json").split("-")
        return SCALE_ORDER.get(scale, 9), scale, policy, int(seed)

    rows, failures = [], []
    for path in sorted(args.dir.glob("*.instance.json"), key=order):
        with open(path) as file:
            inst = Instance(json.load(file))
        with open(path.with_name(inst.name + ".planner.json")) as file:
            planner = json.load(file)
        inst.floors = np.array(planner["fair_floor"], dtype=np.int64)
        runs = args.province_runs if inst.name.startswith("province") else args.runs
        row = {
            "instance": path.name,
            "depots": inst.depots,
            "areas": inst.areas,
            "routes": len(inst.route_depot),
            "planner_ms": statistics.median(planner["wall_ms"]),
            "planner_levels": [f"{label} {value.numerator}/{value.denominator}" for label, value in planner_levels(inst)],
        }
        for solver in solvers:
            if solver == "highs" and row["routes"] > args.highs_max_routes:
                row[solver] = {"skipped": f"more than {args.highs_max_routes:,} routes"}
                continue
            answers = [solve_in_child(solver, inst) for _ in range(runs)]
            problems = compare(inst, planner, answers[0])
            for problem in problems:
                failures.append(f"{path.name}: {solver}: {problem}")
            median = lambda key: statistics.median(a[key] for a in answers)  # noqa: E731
            row[solver] = {
                "agrees": not problems,
                "solver_ms": median("solver_s") * 1e3,
                "end_to_end_ms": median("end_to_end_s") * 1e3,
                "extra_peak_mib": max(a["extra_peak_mib"] for a in answers),
                "runs": runs,
            }
            if solver == "highs":
                row[solver]["lp_levels"] = answers[0]["lp_levels"]
            if solver == "ortools":
                for key in ("steps12_s", "steps12_solver_s", "mcf_s", "mcf_solver_s"):
                    row[solver][key[:-2] + "_ms"] = median(key) * 1e3
            print(f"[solvers] {path.name} {solver}: {'agrees' if not problems else 'DISAGREES'} {row[solver]}", file=sys.stderr, flush=True)
        rows.append(row)
    print_table(rows, solvers)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    for failure in failures:
        print("DISAGREEMENT " + failure, file=sys.stderr)
    sys.exit(1 if failures else 0)


def print_table(rows, solvers):
    header = "| instance | depots × areas | routes | fair levels (planner) | planner ms |"
    rule = "|---|---|---|---|---|"
    if "highs" in solvers:
        header += " HiGHS ms (solver / end to end) | HiGHS extra MiB |"
        rule += "---|---|"
    if "ortools" in solvers:
        header += " OR-Tools ms (solver / end to end) | OR-Tools min-cost flow ms (solver / end to end) | OR-Tools extra MiB |"
        rule += "---|---|---|"
    header += " HiGHS ÷ planner | planner ÷ OR-Tools min-cost flow | agree |"
    rule += "---|---|---|"
    print(header)
    print(rule)
    for row in rows:
        cells = [
            row["instance"].removesuffix(".instance.json"),
            f"{row['depots']} × {row['areas']:,}",
            f"{row['routes']:,}",
            ", ".join(row["planner_levels"]),
            f"{row['planner_ms']:.1f}",
        ]
        if "highs" in solvers and "skipped" in row["highs"]:
            cells += ["skipped", "–"]
        elif "highs" in solvers:
            h = row["highs"]
            cells += [f"{h['solver_ms']:.0f} / {h['end_to_end_ms']:.0f}", f"{h['extra_peak_mib']:.0f}"]
        if "ortools" in solvers:
            o = row["ortools"]
            cells += [
                f"{o['solver_ms']:.0f} / {o['end_to_end_ms']:.0f}",
                f"{o['mcf_solver_ms']:.1f} / {o['mcf_ms']:.1f}",
                f"{o['extra_peak_mib']:.0f}",
            ]
        highs = row.get("highs", {})
        cells.append(f"{highs['solver_ms'] / row['planner_ms']:.0f}×" if "solver_ms" in highs else "–")
        ortools = row.get("ortools", {})
        cells.append(f"{row['planner_ms'] / ortools['mcf_solver_ms']:.2f}" if "mcf_solver_ms" in ortools else "–")
        cells.append("yes" if all(row[s].get("agrees", True) for s in solvers) else "**NO**")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
