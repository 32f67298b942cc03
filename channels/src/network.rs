//! The channel graph and source routing.
//!
//! A graph is seeded: a random spanning tree (so every node can reach every other) plus extra random channels,
//! each with both deposits and a forwarding fee policy drawn from ranges. Routing is source routing as in
//! Lightning: the sender picks the cheapest path by fee plus a delay penalty (each hop adds
//! `cltv_expiry_delta` blocks for which the amount may be locked), over channels whose capacity can carry the
//! amount; it knows its own balances exactly and only the capacities of other channels (as gossip gives
//! them), so a hop may still lack the balance, and the payment is retried without that channel.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use l1_contract_sim::Wei;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// One channel of a scenario's graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSpec {
    /// The opener (node index).
    pub a: usize,
    /// The partner.
    pub b: usize,
    /// A's deposit.
    pub deposit_a: Wei,
    /// B's deposit.
    pub deposit_b: Wei,
    /// Base fee per forwarded HTLC, wei (charged by the forwarding node, both directions alike).
    pub fee_base_wei: Wei,
    /// Proportional fee, millionths of the amount forwarded.
    pub fee_ppm: u64,
}

impl ChannelSpec {
    /// The fee a node charges to forward `amount` over this channel.
    pub fn fee(&self, amount: Wei) -> Wei {
        self.fee_base_wei.saturating_add(amount.saturating_mul(u128::from(self.fee_ppm)) / 1_000_000)
    }
}

/// Ranges a random graph is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphConfig {
    /// Nodes.
    pub nodes: usize,
    /// Channels beyond the spanning tree.
    pub extra_channels: usize,
    /// Smallest deposit of a side, wei.
    pub min_deposit: Wei,
    /// Largest deposit of a side, wei.
    pub max_deposit: Wei,
    /// Largest base fee, wei.
    pub max_fee_base_wei: Wei,
    /// Largest proportional fee, ppm.
    pub max_fee_ppm: u64,
}

/// A seeded random connected graph: a random spanning tree (node `i` joins a random earlier node) plus
/// `extra_channels` channels between random distinct pairs not yet connected (fewer if the graph is complete).
pub fn random_graph(cfg: &GraphConfig, rng: &mut impl Rng) -> Vec<ChannelSpec> {
    let mut pairs = BTreeSet::new();
    let mut out = Vec::new();
    let spec = |a: usize, b: usize, rng: &mut dyn rand::RngCore| ChannelSpec {
        a,
        b,
        deposit_a: rng.gen_range(cfg.min_deposit..=cfg.max_deposit.max(cfg.min_deposit)),
        deposit_b: rng.gen_range(cfg.min_deposit..=cfg.max_deposit.max(cfg.min_deposit)),
        fee_base_wei: rng.gen_range(0..=cfg.max_fee_base_wei),
        fee_ppm: rng.gen_range(0..=cfg.max_fee_ppm),
    };
    for i in 1..cfg.nodes {
        let j = rng.gen_range(0..i);
        pairs.insert((j, i));
        out.push(spec(i, j, rng));
    }
    let possible = cfg.nodes * cfg.nodes.saturating_sub(1) / 2;
    let mut tries = 0;
    while out.len() < (cfg.nodes.saturating_sub(1) + cfg.extra_channels).min(possible)
        && tries < 100 * (cfg.extra_channels + 1)
    {
        tries += 1;
        let (x, y) = (rng.gen_range(0..cfg.nodes), rng.gen_range(0..cfg.nodes));
        let key = (x.min(y), x.max(y));
        if x == y || !pairs.insert(key) {
            continue;
        }
        out.push(spec(x, y, rng));
    }
    out
}

/// A direction of a channel as the router sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteEdge {
    /// The channel (index into the scenario's channels).
    pub channel: usize,
    /// Sending node.
    pub from: usize,
    /// Receiving node.
    pub to: usize,
    /// What the router believes the direction can carry: the exact balance for the sender's own channels, the
    /// capacity for the others.
    pub can_carry: Wei,
    /// The fee the sending node charges to forward over it (zero for the payer's own first hop).
    pub fee_base_wei: Wei,
    /// Proportional part, ppm.
    pub fee_ppm: u64,
}

/// One hop of a route: the channel and the nodes it goes between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// Channel index.
    pub channel: usize,
    /// Offering node.
    pub from: usize,
    /// Receiving node.
    pub to: usize,
}

/// Delay penalty per block of `cltv_expiry_delta` a hop adds, in billionths of the amount (LND's default
/// `riskfactor` idea: the cost of having the amount locked longer).
pub const RISK_PPB_PER_BLOCK: u128 = 15;

/// The cheapest route from `from` to `to` for `amount` by Dijkstra, cost = forwarding fees + a delay penalty
/// of `cltv_expiry_delta` blocks per hop, over edges that can carry the amount. `None` if there is none.
pub fn find_route(
    edges: &[RouteEdge],
    nodes: usize,
    from: usize,
    to: usize,
    amount: Wei,
    cltv_expiry_delta: u64,
) -> Option<Vec<Hop>> {
    if from == to || from >= nodes || to >= nodes {
        return None;
    }
    let risk = amount.saturating_mul(RISK_PPB_PER_BLOCK).saturating_mul(u128::from(cltv_expiry_delta)) / 1_000_000_000;
    let mut best: Vec<Option<(u128, Option<RouteEdge>)>> = vec![None; nodes];
    best[from] = Some((0, None));
    let mut heap = BinaryHeap::new();
    heap.push(Reverse((0u128, from)));
    while let Some(Reverse((cost, node))) = heap.pop() {
        if best[node].is_some_and(|(c, _)| c < cost) {
            continue;
        }
        if node == to {
            break;
        }
        for e in edges.iter().filter(|e| e.from == node && e.can_carry >= amount) {
            let fee = if node == from {
                0
            } else {
                e.fee_base_wei.saturating_add(amount.saturating_mul(u128::from(e.fee_ppm)) / 1_000_000)
            };
            let next = cost.saturating_add(fee).saturating_add(risk).saturating_add(1);
            if best[e.to].is_none_or(|(c, _)| next < c) {
                best[e.to] = Some((next, Some(*e)));
                heap.push(Reverse((next, e.to)));
            }
        }
    }
    let mut hops = Vec::new();
    let mut at = to;
    while at != from {
        let (_, Some(e)) = best[at]? else { return None };
        hops.push(Hop { channel: e.channel, from: e.from, to: e.to });
        at = e.from;
        if hops.len() > nodes {
            return None;
        }
    }
    hops.reverse();
    Some(hops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn random_graphs_are_connected_and_routes_avoid_thin_or_dear_channels() {
        let cfg = GraphConfig {
            nodes: 12,
            extra_channels: 6,
            min_deposit: 10,
            max_deposit: 20,
            max_fee_base_wei: 3,
            max_fee_ppm: 100,
        };
        let g = random_graph(&cfg, &mut rand_chacha::ChaCha20Rng::seed_from_u64(1));
        assert_eq!(g.len(), 11 + 6);
        let edges: Vec<RouteEdge> = g
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                [(c.a, c.b), (c.b, c.a)].map(|(from, to)| RouteEdge {
                    channel: i,
                    from,
                    to,
                    can_carry: 15,
                    fee_base_wei: c.fee_base_wei,
                    fee_ppm: c.fee_ppm,
                })
            })
            .collect();
        for to in 1..12 {
            let r = find_route(&edges, 12, 0, to, 10, 48).expect("connected");
            assert_eq!(r.first().map(|h| h.from), Some(0));
            assert_eq!(r.last().map(|h| h.to), Some(to));
            assert!(r.windows(2).all(|w| w[0].to == w[1].from));
        }
        assert!(find_route(&edges, 12, 0, 5, 16, 48).is_none(), "nothing carries 16");
        // A triangle: the direct channel is dear, the two-hop path is free.
        let tri = [
            RouteEdge { channel: 0, from: 0, to: 1, can_carry: 100, fee_base_wei: 0, fee_ppm: 0 },
            RouteEdge { channel: 1, from: 1, to: 2, can_carry: 100, fee_base_wei: 0, fee_ppm: 0 },
            RouteEdge { channel: 2, from: 0, to: 3, can_carry: 100, fee_base_wei: 0, fee_ppm: 0 },
            RouteEdge { channel: 3, from: 3, to: 2, can_carry: 100, fee_base_wei: 1_000_000, fee_ppm: 0 },
        ];
        let r = find_route(&tri, 4, 0, 2, 50, 48).unwrap();
        assert_eq!(r.iter().map(|h| h.channel).collect::<Vec<_>>(), vec![0, 1]);
    }
}
