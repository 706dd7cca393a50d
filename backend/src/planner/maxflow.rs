//! Dinic's maximum flow on a fixed set of arcs whose capacities may change between runs. Raising
//! a capacity keeps the current flow valid, so a flow found once warm-starts the next run.

pub(super) struct FlowNetwork {
    /// The arcs leaving node `u` are `first_arc[u]..first_arc[u + 1]`.
    first_arc: Vec<usize>,
    head: Vec<u32>,
    /// The reverse arc of each arc; a reverse arc starts with no capacity, so its residual
    /// capacity is the flow on its partner.
    partner: Vec<usize>,
    residual: Vec<i64>,
    /// Where each arc, numbered in the order added, sits.
    at: Vec<usize>,
    level: Vec<u32>,
    next_arc: Vec<usize>,
}

const UNREACHED: u32 = u32::MAX;

impl FlowNetwork {
    /// `arcs` as (tail, head, capacity), numbered from 0 in this order.
    pub fn new(nodes: usize, arcs: &[(usize, usize, i64)]) -> Self {
        let no_flow = vec![0; arcs.len()];
        Self::with_flows(nodes, arcs, &no_flow)
    }

    fn with_flows(nodes: usize, arcs: &[(usize, usize, i64)], flows: &[i64]) -> Self {
        let mut first_arc = vec![0; nodes + 1];
        for &(tail, head, _) in arcs {
            first_arc[tail + 1] += 1;
            first_arc[head + 1] += 1;
        }
        for u in 0..nodes {
            first_arc[u + 1] += first_arc[u];
        }
        let total = first_arc[nodes];
        let mut fill = first_arc.clone();
        let mut head = vec![0; total];
        let mut partner = vec![0; total];
        let mut residual = vec![0; total];
        let mut at = Vec::with_capacity(arcs.len());
        for (&(tail, to, capacity), &flow) in arcs.iter().zip(flows) {
            let (forward, backward) = (fill[tail], fill[to]);
            fill[tail] += 1;
            fill[to] += 1;
            (head[forward], partner[forward], residual[forward]) = (to as u32, backward, capacity - flow);
            (head[backward], partner[backward], residual[backward]) = (tail as u32, forward, flow);
            at.push(forward);
        }
        Self { first_arc, head, partner, residual, at, level: vec![UNREACHED; nodes], next_arc: vec![0; nodes] }
    }

    /// Adds arcs with no flow, numbered after those so far; the flow on the others stays.
    pub fn add_arcs(&mut self, arcs: &[(usize, usize, i64)]) {
        let (mut all, mut flows): (Vec<_>, Vec<_>) = self
            .at
            .iter()
            .map(|&forward| {
                let backward = self.partner[forward];
                let flow = self.residual[backward];
                ((self.head[backward] as usize, self.head[forward] as usize, self.residual[forward] + flow), flow)
            })
            .unzip();
        all.extend_from_slice(arcs);
        flows.resize(all.len(), 0);
        *self = Self::with_flows(self.level.len(), &all, &flows);
    }

    pub fn flow(&self, arc: usize) -> i64 {
        self.residual[self.partner[self.at[arc]]]
    }

    /// The capacity must not be below the arc's current flow.
    pub fn set_capacity(&mut self, arc: usize, capacity: i64) {
        let flow = self.flow(arc);
        debug_assert!(flow <= capacity, "capacity {capacity} below flow {flow}");
        self.residual[self.at[arc]] = capacity - flow;
    }

    /// The whole flow state, to return to with `restore`.
    pub fn snapshot(&self) -> Vec<i64> {
        self.residual.clone()
    }

    pub fn restore(&mut self, snapshot: &[i64]) {
        self.residual.copy_from_slice(snapshot);
    }

    /// Adds as much flow from `source` to `sink` as the residual network allows; returns how much.
    pub fn augment(&mut self, source: usize, sink: usize) -> i64 {
        let mut added = 0;
        while self.label_levels(source, sink) {
            self.next_arc.copy_from_slice(&self.first_arc[..self.level.len()]);
            added += self.push(source, sink, i64::MAX);
        }
        added
    }

    /// Which nodes the residual network reaches from `source` (the source side of a minimum cut
    /// once the flow is maximum).
    pub fn reachable_from(&self, source: usize) -> Vec<bool> {
        let mut reached = vec![false; self.level.len()];
        reached[source] = true;
        let mut queue = vec![source];
        while let Some(u) = queue.pop() {
            for arc in self.first_arc[u]..self.first_arc[u + 1] {
                let next = self.head[arc] as usize;
                if self.residual[arc] > 0 && !reached[next] {
                    reached[next] = true;
                    queue.push(next);
                }
            }
        }
        reached
    }

    /// Breadth-first distances from the source in the residual network; false if the sink is cut off.
    fn label_levels(&mut self, source: usize, sink: usize) -> bool {
        self.level.fill(UNREACHED);
        self.level[source] = 0;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(u) = queue.pop_front() {
            for arc in self.first_arc[u]..self.first_arc[u + 1] {
                let next = self.head[arc] as usize;
                if self.residual[arc] > 0 && self.level[next] == UNREACHED {
                    self.level[next] = self.level[u] + 1;
                    queue.push_back(next);
                }
            }
        }
        self.level[sink] != UNREACHED
    }

    /// Pushes up to `limit` from `node` towards the sink along level-increasing arcs (a blocking
    /// flow when called on the source); `next_arc` skips arcs already found useless.
    fn push(&mut self, node: usize, sink: usize, limit: i64) -> i64 {
        if node == sink {
            return limit;
        }
        let mut pushed = 0;
        while self.next_arc[node] < self.first_arc[node + 1] {
            let arc = self.next_arc[node];
            let next = self.head[arc] as usize;
            if self.residual[arc] > 0 && self.level[next] == self.level[node] + 1 {
                let sent = self.push(next, sink, (limit - pushed).min(self.residual[arc]));
                self.residual[arc] -= sent;
                self.residual[self.partner[arc]] += sent;
                pushed += sent;
                if pushed == limit {
                    return pushed;
                }
            }
            self.next_arc[node] += 1;
        }
        pushed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_maximum_and_resumes_after_capacities_rise() {
        // source 0, a 1, b 2, sink 3
        let arcs = [(0, 1, 3), (0, 2, 2), (1, 2, 5), (1, 3, 2), (2, 3, 1)];
        let mut network = FlowNetwork::new(4, &arcs);
        assert_eq!(network.augment(0, 3), 3);
        let reached = network.reachable_from(0);
        assert_eq!(reached, [true, true, true, false]);
        network.set_capacity(4, 4);
        assert_eq!(network.augment(0, 3), 2);
        assert_eq!(network.flow(3) + network.flow(4), 5);
        let saved = network.snapshot();
        network.set_capacity(0, 10);
        network.set_capacity(3, 10);
        assert_eq!(network.augment(0, 3), 7);
        network.restore(&saved);
        assert_eq!(network.flow(3) + network.flow(4), 5);
        // A second arc source → b keeps the flow so far and lets one more through b.
        network.add_arcs(&[(0, 2, 1)]);
        assert_eq!(network.flow(3) + network.flow(4), 5);
        assert_eq!(network.augment(0, 3), 1);
        assert_eq!(network.flow(5), 1);
    }
}
