#!/usr/bin/env python3
"""Solves the planner benchmark's instances again with HiGHS and OR-Tools and compares.

    bench-solvers.py DIR [--runs N] [--solvers highs,ortools] [--json OUT]

DIR holds what `PLANNER_BENCH_OUT=DIR cargo bench -p jiuzai --bench planner` writes: per instance
NAME.instance.json (supplies, demands with tier and weight, the depot × area minutes with null for
no route, the deadline) and NAME.planner.json (the planner's tier fills as exact fractions, total
delivered, Σ quantity × weight × minutes, wall times of its runs).

The problem, per item, lexicographically (backend/src/planner/mod.rs):
  1. tier by tier from the highest, the largest fill λ such that every reachable area a of the tier
     can get ⌈λ·D_a⌉ units while the higher tiers keep their targets. λ is one of the fractions
     k/D_a (the rounding rule); the targets ⌈λ·D_a⌉ are kept by every later step;
  2. the most delivered in total, every area between its target and its demand;
  3. the least Σ quantity × weight × minutes delivering that total.
Only depots with stock, areas with demand and routes with a travel time take part; an area that no
depot with stock reaches is left out of its tier (the planner reports it as unreachable).

HiGHS (highspy) solves it as a sequence of LPs on one model, re-solved warm after each change:
  1a. max t s.t. flow into each area of the tier ≥ t·D_a (higher tiers at their targets): the LP
      optimum t_LP, an upper bound on λ;
  1b. the rounding rule: λ is the largest fraction k/D_a ≤ t_LP whose targets ⌈λ·D_a⌉ are feasible,
      found by bisection over those fractions with feasibility LPs (the flow polytope is totally
      unimodular, so an LP-feasible integer target vector has an integer flow);
  2.  max Σ flow with the area rows between target and demand;
  3.  min Σ w·m·flow with Σ flow ≥ the step-2 total.
OR-Tools solves steps 1 and 2 with SimpleMaxFlow (step 1 by the same bisection over the fractions
k/D_a in [0, 1], each a max flow with area → sink capacities ⌈λ·D_a⌉; step 2 one max flow with
the capacities at the demands, which is the same value as with the targets as lower bounds since
augmenting never lowers an area's inflow) and step 3 with SimpleMinCostFlow on the fixed targets.

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
        self.depots, self.areas = len(self.supply), len(self.demand)
        minutes = np.array(raw["minutes"], dtype=np.float64).reshape(self.depots, self.areas)  # null → nan
        usable = ~np.isnan(minutes) & (self.supply[:, None] > 0) & (self.demand[None, :] > 0)
        self.route_depot, self.route_area = np.nonzero(usable)
        self.route_minutes = minutes[usable].astype(np.int64)
        self.route_cost = self.route_minutes * self.weight[self.route_area]
        self.reachable = np.zeros(self.areas, dtype=bool)
        self.reachable[self.route_area] = True
        self.tiers = sorted({int(t) for t in self.tier[self.reachable]}, reverse=True)

    def members(self, tier):
        return np.nonzero(self.reachable & (self.tier == tier))[0]


def fractions_of(demands):
    """Every fraction k/D for D in demands, 0 ≤ k ≤ D, once each, ascending: (num, den, value)."""
    den = np.repeat(demands, demands + 1)
    starts = np.cumsum(demands + 1) - (demands + 1)
    num = np.arange(len(den)) - np.repeat(starts, demands + 1)
    value = num / den  # IEEE division is correctly rounded: equal fractions give equal floats
    value, first = np.unique(value, return_index=True)
    return num[first], den[first], value


def ceil_targets(num, den, demand):
    """⌈num/den × demand⌉ per area, exactly."""
    return -((-int(num) * demand) // int(den))


def largest_fitting(num, den, fits, low=0):
    """The largest index i ≥ low with fits(i), given fits(low) and fits monotone decreasing."""
    high = len(num)  # first index known not to fit
    if fits(high - 1):
        return high - 1
    high -= 1
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


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

    targets = np.zeros(inst.areas, dtype=np.int64)
    fills, lp_fills = [], []
    for tier in inst.tiers:
        members = inst.members(tier)
        # 1a: max t with flow into each member ≥ t·D_a
        for a in members:
            h.changeCoeff(inst.depots + int(a), t_col, -float(inst.demand[a]))
        h.changeColBounds(t_col, 0.0, 1.0)
        h.changeColCost(t_col, 1.0)
        status = run()
        assert status == highspy.HighsModelStatus.kOptimal, f"{inst.name}: tier {tier} LP {status}"
        t_lp = h.getInfo().objective_function_value
        lp_fills.append(t_lp)
        # 1b: the largest k/D_a ≤ t_LP whose ceilings are feasible
        h.changeColBounds(t_col, 0.0, 0.0)
        h.changeColCost(t_col, 0.0)
        num, den, value = fractions_of(inst.demand[members])
        keep = value <= t_lp + 1e-9
        num, den = num[keep], den[keep]

        rows = (inst.depots + members).astype(np.int32)
        upper = inst.demand[members].astype(np.float64)

        def set_targets(i):
            wanted = ceil_targets(num[i], den[i], inst.demand[members])
            h.changeRowsBounds(len(members), rows, wanted.astype(np.float64), upper)

        def fits(i):
            set_targets(i)
            return run() == highspy.HighsModelStatus.kOptimal

        # ⌊t_LP·D_a⌋/D_a for the tightest member fits (its targets lie below the LP's flow): start there
        floor_fill = min(Fraction(int(np.floor((t_lp - 1e-9) * d)), int(d)) for d in inst.demand[members])
        low = int(np.searchsorted(num / den, float(floor_fill), side="left"))
        low = min(low, len(num) - 1)
        if not fits(low):
            low = 0
        best = largest_fitting(num, den, fits, low)
        fill = Fraction(int(num[best]), int(den[best]))
        set_targets(best)
        targets[members] = ceil_targets(num[best], den[best], inst.demand[members])
        for a in members:
            h.changeCoeff(inst.depots + int(a), t_col, 0.0)
        fills.append((tier, fill))
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
    return {"fills": fills, "lp_fills": lp_fills, "total": total, "cost": cost, "solver_s": clock.solver}


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

    targets = np.zeros(inst.areas, dtype=np.int64)
    fills = []
    flow_started = time.perf_counter()
    flow_solver_before = clock.solver
    for tier in inst.tiers:
        members = inst.members(tier)
        num, den, _ = fractions_of(inst.demand[members])

        def fits(i):
            caps = targets.copy()
            caps[members] = ceil_targets(num[i], den[i], inst.demand[members])
            return max_flow_with(caps) == caps.sum()

        best = largest_fitting(num, den, fits)
        targets[members] = ceil_targets(num[best], den[best], inst.demand[members])
        fills.append((tier, Fraction(int(num[best]), int(den[best]))))
    total = max_flow_with(inst.demand)
    steps12_s = time.perf_counter() - flow_started
    steps12_solver_s = clock.solver - flow_solver_before

    # 3: min-cost flow with fixed balances; the rest of the total runs over area → sink arcs
    mcf_started = time.perf_counter()
    cheapest = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(inst.depots, source), depot_node[inst.route_depot], area_node[reachable]])
    heads = np.concatenate([depot_node, area_node[inst.route_area], np.full(len(reachable), sink)])
    capacities = np.concatenate([inst.supply, np.full(routes, big), (inst.demand - targets)[reachable]])
    costs = np.concatenate([np.zeros(inst.depots, dtype=np.int64), inst.route_cost, np.zeros(len(reachable), dtype=np.int64)])
    cheapest.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source] = total
    supplies[area_node] = -targets
    supplies[sink] = -(total - targets.sum())
    cheapest.set_nodes_supplies(np.arange(sink + 1), supplies)
    mcf_solver_before = clock.solver
    status = clock(cheapest.solve)
    assert status == cheapest.OPTIMAL, f"{inst.name}: min-cost flow {status}"
    mcf_solver_s = clock.solver - mcf_solver_before
    mcf_s = time.perf_counter() - mcf_started
    return {
        "fills": fills,
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


def compare(inst, planner, answer):
    """The disagreements between the planner's result and one solver's answer."""
    problems = []
    planner_fills = [(t["tier"], Fraction(t["min_fill"]["num"], t["min_fill"]["den"])) for t in planner["tier_fill"]]
    if planner_fills != answer["fills"]:
        problems.append(f"tier fills: planner {planner_fills}, solver {answer['fills']}")
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
        scale, _, seed = path.name.removesuffix(".instance.json").rpartition("-")
        return SCALE_ORDER.get(scale, 9), scale, int(seed)

    rows, failures = [], []
    for path in sorted(args.dir.glob("*.instance.json"), key=order):
        with open(path) as file:
            inst = Instance(json.load(file))
        with open(path.with_name(inst.name + ".planner.json")) as file:
            planner = json.load(file)
        runs = args.province_runs if inst.name.startswith("province") else args.runs
        row = {
            "instance": path.name,
            "depots": inst.depots,
            "areas": inst.areas,
            "routes": len(inst.route_depot),
            "planner_ms": statistics.median(planner["wall_ms"]),
            "planner_fills": [f"{t['min_fill']['num']}/{t['min_fill']['den']}" for t in planner["tier_fill"]],
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
                row[solver]["lp_fills"] = answers[0]["lp_fills"]
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
    header = "| instance | depots × areas | routes | tier fills (planner) | planner ms |"
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
            ", ".join(row["planner_fills"]),
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
