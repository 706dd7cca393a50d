//! Primal network simplex for minimum-cost flow with exact node balances, after the LEMON
//! implementation (Király & Kovács): a spanning tree kept as parent/thread lists, block-search
//! pivoting, and strongly feasible trees so degenerate pivots cannot cycle. The start is the
//! all-artificial tree through an extra root, with artificial costs high enough that any
//! feasible flow beats them. Integer arithmetic throughout, so the optimum is exact.

use std::ops::{Index, IndexMut};

/// An arc with unlimited capacity; high enough that no flow reaches it, low enough not to overflow.
pub(super) const UNBOUNDED: i64 = i64::MAX / 4;

/// Nodes and arcs are numbered in 32 bits: every pivot chases these numbers round the tree, and
/// halved they stay in a core's own cache: a province plan ~20% faster (docs/PERFORMANCE.md,
/// "Session 16").
type Id = u32;
const NONE: Id = Id::MAX;
const STATE_UPPER: i8 = -1;
const STATE_TREE: i8 = 0;
const STATE_LOWER: i8 = 1;
const DIR_UP: i8 = 1;
const DIR_DOWN: i8 = -1;
/// The nodes are renumbered in thread order once the potential updates have jumped about the
/// thread (to other than the next number) once per this many arcs: a renumbering rewrites every
/// arc's ends, so it pays only after that many slow steps.
const RENUMBER_EVERY_JUMPS_PER_ARC: u64 = 4;
/// A core's own first-level data cache, where a tree whose potentials and thread fit is walked
/// as fast in any order, so it is never renumbered (a city item's 2,100 nodes: 25 KiB). Tests
/// renumber trees of any size, so the property tests walk renumbered trees.
const L1_DATA_BYTES: usize = if cfg!(test) { 0 } else { 32 * 1024 };

#[derive(Debug, Clone)]
pub(super) struct Arc {
    pub tail: usize,
    pub head: usize,
    pub capacity: i64,
    pub cost: i64,
}

/// A cheapest flow with `balance[u]` leaving node `u` (negative: arriving), given that one exists.
/// Costs must be non-negative. Arcs may be added after solving and the problem solved again from
/// the tree it ended with (column generation: only the arcs that can matter are ever held).
pub(super) struct MinCostFlow {
    simplex: Simplex,
    /// Where each arc, in the order given, sits among the simplex's arcs.
    position: Vec<Id>,
}

impl MinCostFlow {
    /// `cost_bound`: no arc, given now or added later, costs more.
    pub fn new(balance: &[i64], arcs: &[Arc], cost_bound: i64) -> Self {
        assert_eq!(balance.iter().sum::<i64>(), 0, "balances must sum to zero");
        // Interleave the arcs (as LEMON does) so each search block sees arcs from all over the network.
        let skip = (arcs.len() / balance.len().max(1)).max(3);
        let mut order = Vec::with_capacity(arcs.len());
        for first in 0..skip.min(arcs.len()) {
            order.extend((first..arcs.len()).step_by(skip));
        }
        let simplex = Simplex::new(balance, order.iter().map(|&i| &arcs[i]), cost_bound);
        let mut position = vec![0; arcs.len()];
        for (at, &i) in order.iter().enumerate() {
            position[i] = id(at);
        }
        Self { simplex, position }
    }

    /// Runs the simplex to the optimum of the arcs held so far.
    ///
    /// # Panics
    /// If the balances cannot be met.
    pub fn solve(&mut self) {
        self.simplex.run();
        assert!(self.simplex.artificial().all(|e| self.simplex.flow[e] == 0), "the balances cannot be met");
    }

    /// Adds arcs with no flow; numbered after those given so far. The current tree stays a basis.
    pub fn add_arcs(&mut self, arcs: &[Arc]) {
        for arc in arcs {
            self.position.push(self.simplex.source.len());
            self.simplex.push_arc(arc);
            self.simplex.flow.push(0);
            self.simplex.state.push(STATE_LOWER);
        }
        self.simplex.block_size = Simplex::block_size(self.simplex.source.len());
    }

    /// A problem over the same nodes as `previous` (other balances, capacities, costs or arcs),
    /// started from that basis rather than from the all-artificial tree: the previous flows stay
    /// where the new problem still allows them, and what no longer fits is carried by artificial
    /// arcs that the simplex then drives out. The optimum is the same as from
    /// [`MinCostFlow::new`] (the start only changes the pivots on the way); when the node counts
    /// differ it is that start.
    pub fn resume(previous: &Basis, balance: &[i64], arcs: &[Arc], cost_bound: i64) -> Self {
        let mut next = Self::new(balance, arcs, cost_bound);
        if previous.tree.len() == balance.len() {
            next.simplex.start_from(previous, balance);
        }
        next
    }

    /// Where the solver stands: its tree and the arcs at their upper bound, by tail and head.
    pub fn basis(&self) -> Basis {
        let simplex = &self.simplex;
        let real = |e: Id| !simplex.artificial().contains(&e);
        let key = |e: Id| (simplex.source[e], simplex.target[e]);
        Basis {
            tree: simplex.pred.0[..simplex.root() as usize].iter().map(|&e| real(e).then(|| key(e))).collect(),
            upper: (0..simplex.source.len()).filter(|&e| real(e) && simplex.state[e] == STATE_UPPER).map(key).collect(),
        }
    }

    pub fn flow(&self, arc: usize) -> i64 {
        self.simplex.flow[self.position[arc]]
    }

    /// What an arc not held would gain per unit at the current potentials; negative: it would
    /// lower the cost. None negative over every possible arc proves the solution optimal for all.
    pub fn reduced_cost(&self, tail: usize, head: usize, cost: i64) -> i64 {
        cost + self.simplex.potential.0[tail] - self.simplex.potential.0[head]
    }
}

/// A simplex basis, apart from the arcs' numbering: another problem over the same nodes can start
/// from it ([`MinCostFlow::resume`]). Only a starting point: it carries no costs or flows.
pub(super) struct Basis {
    /// Per node, the arc to its parent by tail and head; None: the artificial arc to the root.
    tree: Vec<Option<(Id, Id)>>,
    /// The arcs out of the tree at their upper bound.
    upper: Vec<(Id, Id)>,
}

impl Basis {
    pub fn bytes(&self) -> usize {
        self.tree.len() * size_of::<Option<(Id, Id)>>() + self.upper.len() * size_of::<(Id, Id)>()
    }
}

/// A vector indexed by node or arc number.
struct Table<T>(Vec<T>);

impl<T> Index<Id> for Table<T> {
    type Output = T;

    fn index(&self, at: Id) -> &T {
        &self.0[at as usize]
    }
}

impl<T> IndexMut<Id> for Table<T> {
    fn index_mut(&mut self, at: Id) -> &mut T {
        &mut self.0[at as usize]
    }
}

impl<T> Table<T> {
    fn filled(value: T, len: Id) -> Self
    where
        T: Clone,
    {
        Self(vec![value; len as usize])
    }

    fn with_capacity(capacity: Id) -> Self {
        Self(Vec::with_capacity(capacity as usize))
    }

    fn len(&self) -> Id {
        id(self.0.len())
    }

    fn push(&mut self, value: T) {
        self.0.push(value);
    }
}

fn id(number: usize) -> Id {
    Id::try_from(number).expect("fewer than 2^32 nodes and arcs")
}

struct Simplex {
    // Arcs: the real ones, then one artificial arc per node to or from the root.
    source: Table<Id>,
    target: Table<Id>,
    capacity: Table<i64>,
    cost: Table<i64>,
    flow: Table<i64>,
    state: Table<i8>,
    /// The artificial arcs, one per node, follow the arcs first given.
    first_artificial: Id,
    /// What an artificial arc from the root costs (those to it cost nothing).
    artificial_cost: i64,
    // Nodes: the real ones, then the root. The tree: each node's parent and the arc to it
    // (`pred`, `pred_dir` telling whether it points up or down), a preorder `thread` (circular,
    // with its reverse), subtree sizes and each subtree's last node in thread order.
    parent: Table<Id>,
    pred: Table<Id>,
    pred_dir: Table<i8>,
    thread: Table<Id>,
    rev_thread: Table<Id>,
    succ_num: Table<Id>,
    last_succ: Table<Id>,
    potential: Table<i64>,
    // The current pivot.
    in_arc: Id,
    join: Id,
    u_in: Id,
    v_in: Id,
    u_out: Id,
    delta: i64,
    // Block search.
    next_arc: Id,
    block_size: Id,
    dirty_revs: Vec<Id>,
    /// Jumps in the thread (a node followed by other than the next number) the potential
    /// updates have taken since the nodes were last numbered in thread order.
    jumps: u64,
}

impl Simplex {
    fn new<'a>(balance: &[i64], arcs: impl ExactSizeIterator<Item = &'a Arc> + Clone, cost_bound: i64) -> Self {
        let nodes = id(balance.len());
        let root = nodes;
        let real_arcs = id(arcs.len());
        let all_arcs = real_arcs + nodes;
        debug_assert!(arcs.clone().all(|a| (0..=cost_bound).contains(&a.cost) && a.capacity >= 0));
        // Dearer than any path of real arcs, so flow leaves the artificial arcs when it can.
        let artificial_cost = (cost_bound + 1).checked_mul(i64::from(nodes) + 1).expect("costs too large");
        let mut simplex = Self {
            source: Table::with_capacity(all_arcs),
            target: Table::with_capacity(all_arcs),
            capacity: Table::with_capacity(all_arcs),
            cost: Table::with_capacity(all_arcs),
            flow: Table::filled(0, all_arcs),
            state: Table::filled(STATE_LOWER, all_arcs),
            first_artificial: real_arcs,
            artificial_cost,
            parent: Table::filled(NONE, nodes + 1),
            pred: Table::filled(NONE, nodes + 1),
            pred_dir: Table::filled(DIR_UP, nodes + 1),
            thread: Table::filled(0, nodes + 1),
            rev_thread: Table::filled(0, nodes + 1),
            succ_num: Table::filled(1, nodes + 1),
            last_succ: Table::filled(0, nodes + 1),
            potential: Table::filled(0, nodes + 1),
            in_arc: 0,
            join: 0,
            u_in: 0,
            v_in: 0,
            u_out: 0,
            delta: 0,
            next_arc: 0,
            block_size: Self::block_size(all_arcs),
            dirty_revs: Vec::new(),
            jumps: 0,
        };
        for arc in arcs {
            simplex.push_arc(arc);
        }
        simplex.thread[root] = 0;
        simplex.rev_thread[0] = root;
        simplex.succ_num[root] = nodes + 1;
        simplex.last_succ[root] = if nodes == 0 { root } else { root - 1 };
        for (u, &node_balance) in (0..nodes).zip(balance) {
            let e = real_arcs + u;
            simplex.parent[u] = root;
            simplex.pred[u] = e;
            simplex.thread[u] = u + 1;
            simplex.rev_thread[u + 1] = u;
            simplex.last_succ[u] = u;
            simplex.capacity.push(UNBOUNDED);
            simplex.state[e] = STATE_TREE;
            if node_balance >= 0 {
                simplex.pred_dir[u] = DIR_UP;
                simplex.source.push(u);
                simplex.target.push(root);
                simplex.flow[e] = node_balance;
                simplex.cost.push(0);
            } else {
                simplex.pred_dir[u] = DIR_DOWN;
                simplex.potential[u] = artificial_cost;
                simplex.source.push(root);
                simplex.target.push(u);
                simplex.flow[e] = -node_balance;
                simplex.cost.push(artificial_cost);
            }
        }
        simplex
    }

    /// Replaces the all-artificial start with the `old` basis where this problem allows it.
    /// Every node keeps its parent through the same arc (the same tail and head) when this problem
    /// has that arc; arcs out of the tree keep their bound. Going up from the leaves, each tree
    /// arc must then carry its subtree's net balance: where that is outside the arc's bounds, or
    /// at the bound that would make the tree not strongly feasible, the arc leaves the tree at its
    /// nearer bound and the subtree hangs from the root by its artificial arc, turned to carry
    /// what is left (strongly feasible too, so the simplex cannot cycle). Costs and potentials are
    /// this problem's.
    fn start_from(&mut self, old: &Basis, balance: &[i64]) {
        let root = self.root();
        let first_artificial = self.first_artificial;
        let arc: std::collections::HashMap<(Id, Id), Id> =
            (0..first_artificial).map(|e| ((self.source[e], self.target[e]), e)).collect();
        for e in old.upper.iter().filter_map(|key| arc.get(key)).copied() {
            if self.capacity[e] < UNBOUNDED {
                self.state[e] = STATE_UPPER;
                self.flow[e] = self.capacity[e];
            }
        }
        for u in 0..root {
            if let Some(&(tail, head)) = old.tree[u as usize].as_ref()
                && let Some(&e) = arc.get(&(tail, head))
            {
                let up = tail == u;
                self.parent[u] = if up { head } else { tail };
                self.pred[u] = e;
                self.pred_dir[u] = if up { DIR_UP } else { DIR_DOWN };
                self.state[e] = STATE_TREE;
            }
            let artificial = first_artificial + u;
            self.state[artificial] = STATE_LOWER;
            self.flow[artificial] = 0;
        }
        // What each node must pass on over its tree arcs, the arcs at a bound taken as given.
        let mut net = Table(balance.to_vec());
        net.push(0);
        for e in 0..first_artificial {
            if self.state[e] == STATE_UPPER {
                net[self.source[e]] -= self.flow[e];
                net[self.target[e]] += self.flow[e];
            }
        }
        let preorder = self.preorder();
        for &u in preorder.iter().rev().filter(|&&u| u != root) {
            let p = self.parent[u];
            if p != root {
                let e = self.pred[u];
                let dir = i64::from(self.pred_dir[u]);
                let flow = dir * net[u];
                let fits = if dir == i64::from(DIR_UP) {
                    0 <= flow && flow < self.capacity[e]
                } else {
                    0 < flow && flow <= self.capacity[e]
                };
                if fits {
                    self.flow[e] = flow;
                    net[p] += net[u];
                    continue;
                }
                let bound = flow.clamp(0, self.capacity[e]);
                self.flow[e] = bound;
                self.state[e] = if bound == 0 { STATE_LOWER } else { STATE_UPPER };
                net[u] -= dir * bound;
                net[p] += dir * bound;
            }
            let artificial = first_artificial + u;
            self.parent[u] = root;
            self.pred[u] = artificial;
            self.state[artificial] = STATE_TREE;
            self.flow[artificial] = net[u].abs();
            if net[u] >= 0 {
                (self.source[artificial], self.target[artificial]) = (u, root);
                self.pred_dir[u] = DIR_UP;
                self.cost[artificial] = 0;
            } else {
                (self.source[artificial], self.target[artificial]) = (root, u);
                self.pred_dir[u] = DIR_DOWN;
                self.cost[artificial] = self.artificial_cost;
            }
        }
        // The thread, subtree figures and potentials of the tree as it now stands.
        let preorder = self.preorder();
        self.potential[root] = 0;
        for (at, &u) in preorder.iter().enumerate() {
            let next = preorder[(at + 1) % preorder.len()];
            self.thread[u] = next;
            self.rev_thread[next] = u;
            if u != root {
                let p = self.parent[u];
                self.potential[u] = self.potential[p] - i64::from(self.pred_dir[u]) * self.cost[self.pred[u]];
            }
        }
        self.succ_num.0.fill(1);
        for &u in preorder.iter().rev() {
            if u != root {
                let p = self.parent[u];
                self.succ_num[p] += self.succ_num[u];
            }
        }
        for (at, &u) in preorder.iter().enumerate() {
            self.last_succ[u] = preorder[at + self.succ_num[u] as usize - 1];
        }
        self.next_arc = 0;
    }

    /// The nodes in depth-first order from the root, by the parent links.
    fn preorder(&self) -> Vec<Id> {
        let root = self.root();
        let mut children = vec![Vec::new(); root as usize + 1];
        for u in (0..root).rev() {
            children[self.parent[u] as usize].push(u);
        }
        let mut order = Vec::with_capacity(root as usize + 1);
        let mut stack = vec![root];
        while let Some(u) = stack.pop() {
            order.push(u);
            stack.extend(children[u as usize].iter().copied());
        }
        order
    }

    fn block_size(arcs: Id) -> Id {
        (f64::from(arcs).sqrt() as Id).max(10)
    }

    fn push_arc(&mut self, arc: &Arc) {
        self.source.push(id(arc.tail));
        self.target.push(id(arc.head));
        self.capacity.push(arc.capacity);
        self.cost.push(arc.cost);
    }

    fn artificial(&self) -> std::ops::Range<Id> {
        self.first_artificial..self.first_artificial + self.root()
    }

    /// The extra node the artificial arcs join, numbered after the real ones (so also their count).
    fn root(&self) -> Id {
        self.potential.len() - 1
    }

    fn run(&mut self) {
        // Inside the run, nodes are numbered afresh in thread order whenever the potential updates
        // have jumped about the thread for as long as a renumbering takes; outside it they keep
        // the numbers they were given. `given[u]`: the number node `u` was given.
        let mut given: Option<Vec<Id>> = None;
        let walked_bytes = self.potential.0.len() * (size_of::<i64>() + size_of::<Id>());
        let jumps_to_renumber = if walked_bytes > L1_DATA_BYTES {
            u64::from(self.source.len()) / RENUMBER_EVERY_JUMPS_PER_ARC
        } else {
            u64::MAX
        };
        self.jumps = 0;
        while self.find_entering_arc() {
            self.find_join_node();
            let change = self.find_leaving_arc();
            assert!(self.delta < UNBOUNDED / 2, "unbounded: negative-cost cycle of unlimited arcs");
            self.change_flow(change);
            if change {
                self.update_tree_structure();
                self.update_potential();
                if self.jumps > jumps_to_renumber {
                    self.renumber_in_thread_order(given.get_or_insert_with(|| (0..self.potential.len()).collect()));
                }
            }
        }
        if let Some(given) = given {
            self.renumber(&given);
        }
        // Shifting the larger side of the tree moves the root's potential; back to zero, so no
        // drift can build up over the solves of a long pricing.
        let root = self.potential[self.root()];
        self.potential.0.iter_mut().for_each(|p| *p -= root);
    }

    /// Numbers the nodes in thread order from the root (the root keeps the last number), so the
    /// potential updates walk memory in order; `given[u]`, the number node `u` was given, follows.
    #[cold]
    fn renumber_in_thread_order(&mut self, given: &mut [Id]) {
        let root = self.root();
        let mut to = vec![0; root as usize + 1];
        to[root as usize] = root;
        let mut u = self.thread[root];
        for number in 0..root {
            to[u as usize] = number;
            u = self.thread[u];
        }
        let mut renumbered = vec![0; given.len()];
        for (u, &number) in given.iter().enumerate() {
            renumbered[to[u] as usize] = number;
        }
        given.copy_from_slice(&renumbered);
        self.renumber(&to);
        self.jumps = 0;
    }

    /// Renames every node `u` to `to[u]`, in the node tables and the arcs' ends.
    #[cold]
    fn renumber(&mut self, to: &[Id]) {
        let name = |u: Id| if u == NONE { NONE } else { to[u as usize] };
        for e in 0..self.source.len() {
            self.source[e] = name(self.source[e]);
            self.target[e] = name(self.target[e]);
        }
        fn moved<T: Copy>(table: &mut Table<T>, to: &[Id], value: impl Fn(T) -> T) {
            let mut out = table.0.clone();
            for (u, &v) in table.0.iter().enumerate() {
                out[to[u] as usize] = value(v);
            }
            table.0 = out;
        }
        moved(&mut self.parent, to, name);
        moved(&mut self.thread, to, name);
        moved(&mut self.rev_thread, to, name);
        moved(&mut self.last_succ, to, name);
        moved(&mut self.pred, to, |e| e);
        moved(&mut self.pred_dir, to, |d| d);
        moved(&mut self.succ_num, to, |n| n);
        moved(&mut self.potential, to, |p| p);
    }

    fn reduced_cost(&self, e: Id) -> i64 {
        self.cost[e] + self.potential[self.source[e]] - self.potential[self.target[e]]
    }

    /// Block search: scan arcs in blocks from where the last search stopped and take the most
    /// violating arc of the first block that has one. Artificial arcs are scanned too: once out of
    /// the tree their cost keeps them out, and arcs added later follow them.
    fn find_entering_arc(&mut self) -> bool {
        let mut best = 0;
        let mut count = self.block_size;
        let start = self.next_arc;
        for e in (start..self.source.len()).chain(0..start) {
            let violation = i64::from(self.state[e]) * self.reduced_cost(e);
            if violation < best {
                best = violation;
                self.in_arc = e;
            }
            count -= 1;
            if count == 0 {
                if best < 0 {
                    self.next_arc = e + 1;
                    return true;
                }
                count = self.block_size;
            }
        }
        if best < 0 {
            self.next_arc = self.in_arc + 1;
        }
        best < 0
    }

    fn find_join_node(&mut self) {
        let (mut u, mut v) = (self.source[self.in_arc], self.target[self.in_arc]);
        while u != v {
            if self.succ_num[u] < self.succ_num[v] {
                u = self.parent[u];
            } else {
                v = self.parent[v];
            }
        }
        self.join = u;
    }

    /// The blocking arc of the cycle the entering arc closes; the last such arc in cycle order
    /// from the join node, which keeps the tree strongly feasible. False if the entering arc
    /// itself blocks (it then only moves to its other bound).
    fn find_leaving_arc(&mut self) -> bool {
        let (first, second) = if self.state[self.in_arc] == STATE_LOWER {
            (self.source[self.in_arc], self.target[self.in_arc])
        } else {
            (self.target[self.in_arc], self.source[self.in_arc])
        };
        self.delta = self.capacity[self.in_arc];
        let mut result = 0;
        let mut u = first;
        while u != self.join {
            let e = self.pred[u];
            let room = if self.pred_dir[u] == DIR_DOWN { self.capacity[e] - self.flow[e] } else { self.flow[e] };
            if room < self.delta {
                self.delta = room;
                self.u_out = u;
                result = 1;
            }
            u = self.parent[u];
        }
        let mut u = second;
        while u != self.join {
            let e = self.pred[u];
            let room = if self.pred_dir[u] == DIR_UP { self.capacity[e] - self.flow[e] } else { self.flow[e] };
            if room <= self.delta {
                self.delta = room;
                self.u_out = u;
                result = 2;
            }
            u = self.parent[u];
        }
        if result == 1 {
            (self.u_in, self.v_in) = (first, second);
        } else {
            (self.u_in, self.v_in) = (second, first);
        }
        result != 0
    }

    fn change_flow(&mut self, change: bool) {
        if self.delta > 0 {
            let value = i64::from(self.state[self.in_arc]) * self.delta;
            self.flow[self.in_arc] += value;
            let mut u = self.source[self.in_arc];
            while u != self.join {
                self.flow[self.pred[u]] -= i64::from(self.pred_dir[u]) * value;
                u = self.parent[u];
            }
            let mut u = self.target[self.in_arc];
            while u != self.join {
                self.flow[self.pred[u]] += i64::from(self.pred_dir[u]) * value;
                u = self.parent[u];
            }
        }
        if change {
            self.state[self.in_arc] = STATE_TREE;
            let out = self.pred[self.u_out];
            self.state[out] = if self.flow[out] == 0 { STATE_LOWER } else { STATE_UPPER };
        } else {
            self.state[self.in_arc] = -self.state[self.in_arc];
        }
    }

    /// Swaps the leaving arc for the entering one: the subtree cut off at `u_out` is re-hung
    /// from `v_in` by `u_in`, reversing the parent links along the stem from `u_in` to `u_out`.
    fn update_tree_structure(&mut self) {
        let (u_in, v_in, u_out, join, in_arc) = (self.u_in, self.v_in, self.u_out, self.join, self.in_arc);
        let old_rev_thread = self.rev_thread[u_out];
        let old_succ_num = self.succ_num[u_out];
        let old_last_succ = self.last_succ[u_out];
        let v_out = self.parent[u_out];

        if u_in == u_out {
            self.parent[u_in] = v_in;
            self.pred[u_in] = in_arc;
            self.pred_dir[u_in] = if u_in == self.source[in_arc] { DIR_UP } else { DIR_DOWN };
            if self.thread[v_in] != u_out {
                let after = self.thread[old_last_succ];
                self.thread[old_rev_thread] = after;
                self.rev_thread[after] = old_rev_thread;
                let after = self.thread[v_in];
                self.thread[v_in] = u_out;
                self.rev_thread[u_out] = v_in;
                self.thread[old_last_succ] = after;
                self.rev_thread[after] = old_last_succ;
            }
        } else {
            // When the old predecessor in thread order is v_in, join and v_out coincide.
            let thread_continue = if old_rev_thread == v_in { self.thread[old_last_succ] } else { self.thread[v_in] };
            let mut stem = u_in;
            let mut par_stem = v_in;
            let mut last = self.last_succ[u_in];
            let mut after = self.thread[last];
            self.thread[v_in] = u_in;
            self.dirty_revs.clear();
            self.dirty_revs.push(v_in);
            while stem != u_out {
                let next_stem = self.parent[stem];
                self.thread[last] = next_stem;
                self.dirty_revs.push(last);
                let before = self.rev_thread[stem];
                self.thread[before] = after;
                self.rev_thread[after] = before;
                self.parent[stem] = par_stem;
                par_stem = stem;
                stem = next_stem;
                last = if self.last_succ[stem] == self.last_succ[par_stem] {
                    self.rev_thread[par_stem]
                } else {
                    self.last_succ[stem]
                };
                after = self.thread[last];
            }
            self.parent[u_out] = par_stem;
            self.thread[last] = thread_continue;
            self.rev_thread[thread_continue] = last;
            self.last_succ[u_out] = last;
            if old_rev_thread != v_in {
                self.thread[old_rev_thread] = after;
                self.rev_thread[after] = old_rev_thread;
            }
            for i in 0..self.dirty_revs.len() {
                let u = self.dirty_revs[i];
                self.rev_thread[self.thread[u]] = u;
            }
            // Along the stem from u_out back to u_in: arcs, directions and subtree figures.
            let mut subtree_size = 0;
            let stem_last = self.last_succ[u_out];
            let mut u = u_out;
            while u != u_in {
                let p = self.parent[u];
                self.pred[u] = self.pred[p];
                self.pred_dir[u] = -self.pred_dir[p];
                subtree_size += self.succ_num[u] - self.succ_num[p];
                self.succ_num[u] = subtree_size;
                self.last_succ[p] = stem_last;
                u = p;
            }
            self.pred[u_in] = in_arc;
            self.pred_dir[u_in] = if u_in == self.source[in_arc] { DIR_UP } else { DIR_DOWN };
            self.succ_num[u_in] = old_succ_num;
        }

        // last_succ from v_in towards the root
        let up_limit_out = if self.last_succ[join] == v_in { join } else { NONE };
        let last_succ_out = self.last_succ[u_out];
        let mut u = v_in;
        while u != NONE && self.last_succ[u] == v_in {
            self.last_succ[u] = last_succ_out;
            u = self.parent[u];
        }
        // last_succ from v_out towards the root
        if join != old_rev_thread && v_in != old_rev_thread {
            let mut u = v_out;
            while u != up_limit_out && self.last_succ[u] == old_last_succ {
                self.last_succ[u] = old_rev_thread;
                u = self.parent[u];
            }
        } else if last_succ_out != old_last_succ {
            let mut u = v_out;
            while u != up_limit_out && self.last_succ[u] == old_last_succ {
                self.last_succ[u] = last_succ_out;
                u = self.parent[u];
            }
        }
        // succ_num from v_in and from v_out up to the join node
        let mut u = v_in;
        while u != join {
            self.succ_num[u] += old_succ_num;
            u = self.parent[u];
        }
        let mut u = v_out;
        while u != join {
            self.succ_num[u] -= old_succ_num;
            u = self.parent[u];
        }
    }

    /// Makes the entering arc's reduced cost zero by shifting the potentials of the re-hung
    /// subtree, or, when that is the larger part of the tree, of all the other nodes the other
    /// way: only differences of potentials matter, and the subtree is one stretch of the thread
    /// and the rest of the tree the remainder of the circle.
    fn update_potential(&mut self) {
        let sigma = self.potential[self.v_in]
            - self.potential[self.u_in]
            - i64::from(self.pred_dir[self.u_in]) * self.cost[self.in_arc];
        let after_subtree = self.thread[self.last_succ[self.u_in]];
        let (mut u, end, shift) = if 2 * self.succ_num[self.u_in] <= self.potential.len() {
            (self.u_in, after_subtree, sigma)
        } else {
            (after_subtree, self.u_in, -sigma)
        };
        let (thread, potential) = (&self.thread, &mut self.potential);
        let mut jumps = 0;
        while u != end {
            // Along a stretch of consecutive numbers (as last renumbered) the next node is known
            // before its load arrives, so the loads do not wait on each other.
            potential[u] += shift;
            while thread[u] == u + 1 && u + 1 != end {
                u += 1;
                potential[u] += shift;
            }
            jumps += 1;
            u = thread[u];
        }
        self.jumps += jumps;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn min_cost_flow(balance: &[i64], arcs: &[Arc]) -> Vec<i64> {
        let mut solver = MinCostFlow::new(balance, arcs, arcs.iter().map(|a| a.cost).max().unwrap_or(0));
        solver.solve();
        (0..arcs.len()).map(|arc| solver.flow(arc)).collect()
    }

    /// Bellman–Ford from a virtual node joined to all: is there a negative cycle of residual arcs?
    fn has_negative_cycle(nodes: usize, arcs: &[Arc], flow: &[i64]) -> bool {
        let mut residual = Vec::new();
        for (arc, &f) in arcs.iter().zip(flow) {
            if f < arc.capacity {
                residual.push((arc.tail, arc.head, arc.cost));
            }
            if f > 0 {
                residual.push((arc.head, arc.tail, -arc.cost));
            }
        }
        let mut distance = vec![0i64; nodes];
        for _ in 0..nodes {
            let mut changed = false;
            for &(from, to, cost) in &residual {
                if distance[from] + cost < distance[to] {
                    distance[to] = distance[from] + cost;
                    changed = true;
                }
            }
            if !changed {
                return false;
            }
        }
        true
    }

    fn problems() -> impl Strategy<Value = (usize, Vec<Arc>, Vec<i64>)> {
        (2usize..9)
            .prop_flat_map(|nodes| {
                let arc = (0..nodes, 0..nodes, 0i64..8, 0i64..20, 0i64..8, prop::bool::weighted(0.2));
                (Just(nodes), prop::collection::vec(arc, 1..30))
            })
            .prop_map(|(nodes, raw)| {
                // A random flow within the capacities defines balances that can surely be met.
                let mut balance = vec![0; nodes];
                let mut arcs = Vec::new();
                for (tail, head, capacity, cost, flow, unlimited) in raw {
                    let flow = flow.min(capacity);
                    balance[tail] += flow;
                    balance[head] -= flow;
                    arcs.push(Arc { tail, head, capacity: if unlimited { UNBOUNDED } else { capacity }, cost });
                }
                (nodes, arcs, balance)
            })
    }

    /// Arcs and the balances a flow over them meets.
    type Problem = (Vec<Arc>, Vec<i64>);
    /// An arc's capacity, cost and flow in a problem, and whether the problem has it.
    type Side = (i64, i64, i64, bool);

    /// Two problems over the same nodes that share some arcs (the same tail and head, perhaps
    /// another capacity or cost), each with balances a random flow can meet.
    fn related_problems() -> impl Strategy<Value = (usize, [Problem; 2])> {
        (2usize..9)
            .prop_flat_map(|nodes| {
                let side = || (0i64..8, 0i64..20, 0i64..8, prop::bool::weighted(0.75));
                let arc = (0..nodes, 0..nodes, prop::bool::weighted(0.2), side(), side());
                (Just(nodes), prop::collection::vec(arc, 1..30))
            })
            .prop_map(|(nodes, raw)| {
                let problem = |second: bool| {
                    let mut balance = vec![0; nodes];
                    let mut arcs = Vec::new();
                    for &(tail, head, unlimited, first_side, second_side) in &raw {
                        let (capacity, cost, flow, held): Side = if second { second_side } else { first_side };
                        if !held {
                            continue;
                        }
                        let flow = flow.min(capacity);
                        balance[tail] += flow;
                        balance[head] -= flow;
                        arcs.push(Arc { tail, head, capacity: if unlimited { UNBOUNDED } else { capacity }, cost });
                    }
                    (arcs, balance)
                };
                (nodes, [problem(false), problem(true)])
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn a_solve_resumed_from_another_problems_tree_reaches_the_same_optimum(
            (nodes, [(first_arcs, first_balance), (arcs, balance)]) in related_problems(),
        ) {
            let bound = |arcs: &[Arc]| arcs.iter().map(|a| a.cost).max().unwrap_or(0);
            let mut first = MinCostFlow::new(&first_balance, &first_arcs, bound(&first_arcs));
            first.solve();
            let mut resumed = MinCostFlow::resume(&first.basis(), &balance, &arcs, bound(&arcs));
            resumed.solve();
            let flow: Vec<i64> = (0..arcs.len()).map(|i| resumed.flow(i)).collect();
            let mut net = vec![0; nodes];
            for (arc, &f) in arcs.iter().zip(&flow) {
                prop_assert!(0 <= f && f <= arc.capacity);
                net[arc.tail] += f;
                net[arc.head] -= f;
            }
            prop_assert_eq!(net, balance.clone());
            prop_assert!(!has_negative_cycle(nodes, &arcs, &flow));
            let cost = |flow: &[i64]| arcs.iter().zip(flow).map(|(a, f)| a.cost * f).sum::<i64>();
            prop_assert_eq!(cost(&flow), cost(&min_cost_flow(&balance, &arcs)));
        }

        #[test]
        fn flows_meet_the_balances_and_leave_no_cheaper_cycle((nodes, arcs, balance) in problems()) {
            let flow = min_cost_flow(&balance, &arcs);
            let mut net = vec![0; nodes];
            for (arc, &f) in arcs.iter().zip(&flow) {
                prop_assert!(0 <= f && f <= arc.capacity);
                net[arc.tail] += f;
                net[arc.head] -= f;
            }
            prop_assert_eq!(net, balance);
            prop_assert!(!has_negative_cycle(nodes, &arcs, &flow));
        }

        #[test]
        fn arcs_added_after_solving_are_priced_in_from_the_last_tree(
            (nodes, arcs, balance) in problems(),
            held in 0usize..30,
        ) {
            // Solve with the first arcs and the artificial ones alone, then add the rest: the
            // second solve must reach the same cost as solving everything at once.
            let held = held.min(arcs.len());
            let cost_bound = arcs.iter().map(|a| a.cost).max().unwrap_or(0);
            let mut solver = MinCostFlow::new(&balance, &arcs[..held], cost_bound);
            solver.simplex.run();
            solver.add_arcs(&arcs[held..]);
            solver.solve();
            let cost = |flow: &dyn Fn(usize) -> i64| (0..arcs.len()).map(|i| flow(i) * arcs[i].cost).sum::<i64>();
            let all_at_once = min_cost_flow(&balance, &arcs);
            prop_assert_eq!(cost(&|i| solver.flow(i)), cost(&|i| all_at_once[i]));
            let flow: Vec<i64> = (0..arcs.len()).map(|i| solver.flow(i)).collect();
            prop_assert!(!has_negative_cycle(nodes, &arcs, &flow));
        }
    }

    #[test]
    fn takes_the_cheaper_of_two_paths_until_it_is_full() {
        // 0 → 1 → 3 costs 2 (capacity 3), 0 → 2 → 3 costs 5.
        let arcs = [
            Arc { tail: 0, head: 1, capacity: 3, cost: 1 },
            Arc { tail: 1, head: 3, capacity: UNBOUNDED, cost: 1 },
            Arc { tail: 0, head: 2, capacity: UNBOUNDED, cost: 2 },
            Arc { tail: 2, head: 3, capacity: UNBOUNDED, cost: 3 },
        ];
        assert_eq!(min_cost_flow(&[5, 0, 0, -5], &arcs), [3, 3, 2, 2]);
    }
}
