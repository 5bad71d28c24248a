//! A partition's shape: the one place that turns a shape as written (halves,
//! isolate, majority/minority, bridge, ring, explicit groups or links) into concrete
//! nodes ([`resolve`]) and then into the directed links it cuts ([`cut_links`]).
//!
//! Targets (`random`, `leader`) are resolved here too, with the World's help for
//! roles ([`Nodes::role_holder`]). A shape spans the servers, plus the clients if it
//! is wrapped in [`PartitionShape::WithClients`]. The servers are always divided
//! first, with the same draws either way; each client then joins a side with one draw
//! of its own. So a plain shape draws exactly what it always drew, and its result
//! names servers only.

use crate::fault::{PartitionShape, Target};
use crate::rng::SimRng;

/// What resolving a shape needs to know about the World's nodes.
pub(crate) struct Nodes<'a> {
    pub node_count: usize,
    /// Servers are nodes `0..server_count`; the rest are clients.
    pub server_count: usize,
    /// The live node claiming a role (highest rank), if any.
    pub role_holder: &'a dyn Fn(&str) -> Option<u32>,
}

/// Resolves `shape` over the servers to explicit groups or links, drawing from `rng`.
pub(crate) fn resolve(
    shape: PartitionShape,
    nodes: &Nodes,
    rng: &mut SimRng,
) -> Result<PartitionShape, String> {
    if nodes.server_count < 2 {
        return Err("fewer than two servers".into());
    }
    resolve_shape(shape, nodes, false, rng)
}

/// Resolves a shape over the servers, and over the clients too if `with_clients`.
fn resolve_shape(
    shape: PartitionShape,
    nodes: &Nodes,
    with_clients: bool,
    rng: &mut SimRng,
) -> Result<PartitionShape, String> {
    let servers: Vec<u32> = (0..nodes.server_count as u32).collect();
    let clients: Vec<u32> = if with_clients {
        (nodes.server_count as u32..nodes.node_count as u32).collect()
    } else {
        Vec::new()
    };
    match shape {
        explicit @ (PartitionShape::Groups(_)
        | PartitionShape::OneWay { .. }
        | PartitionShape::Links(_)) => {
            check_nodes_exist(&explicit, nodes.node_count)?;
            Ok(explicit)
        }
        PartitionShape::WithClients(inner) => resolve_shape(*inner, nodes, true, rng),
        PartitionShape::Halves => Ok(halves(rng, servers, &clients)),
        PartitionShape::Isolate(target) => {
            let among = servers.len() + clients.len();
            let node = resolve_target(&target, among, nodes, rng)?;
            Ok(isolate(node, &servers, &clients))
        }
        PartitionShape::MajorityMinority { minority } => {
            // Shuffle first, then resolve the member: the order of draws the shape
            // has always had.
            let mut servers = servers;
            rng.shuffle(&mut servers);
            let member = match minority {
                Some(target) => Some(resolve_target(&target, nodes.server_count, nodes, rng)?),
                None => None,
            };
            majority_minority(rng, servers, &clients, member)
        }
        PartitionShape::Bridge => bridge(rng, servers, &clients),
        PartitionShape::Ring => ring(rng, servers, &clients),
    }
}

/// One node for a target; `random` picks among nodes `0..among` (the servers, or
/// the servers and the clients).
fn resolve_target(
    target: &Target,
    among: usize,
    nodes: &Nodes,
    rng: &mut SimRng,
) -> Result<u32, String> {
    match target {
        Target::Node(n) if *n as usize >= nodes.node_count => Err(format!("no node {n}")),
        Target::Node(n) => Ok(*n),
        Target::Random => {
            let candidates: Vec<u32> = (0..among as u32).collect();
            rng.pick(&candidates)
                .copied()
                .ok_or_else(|| "no server to pick".to_string())
        }
        Target::Role(name) => (nodes.role_holder)(name).ok_or_else(|| format!("no {name}")),
    }
}

fn check_nodes_exist(shape: &PartitionShape, node_count: usize) -> Result<(), String> {
    match shape
        .named_nodes()
        .iter()
        .find(|&&n| n as usize >= node_count)
    {
        Some(n) => Err(format!("no node {n}")),
        None => Ok(()),
    }
}

/// The directed links a resolved shape cuts: between every two groups both ways,
/// from every `from` to every `to`, or the links listed. A node's link to itself is
/// never cut.
pub(crate) fn cut_links(resolved: &PartitionShape) -> Vec<[u32; 2]> {
    let mut links = Vec::new();
    match resolved {
        PartitionShape::Groups(groups) => {
            for (i, left) in groups.iter().enumerate() {
                for right in groups.iter().skip(i + 1) {
                    for &a in left {
                        for &b in right {
                            links.extend([[a, b], [b, a]]);
                        }
                    }
                }
            }
        }
        PartitionShape::OneWay { from, to } => {
            links.extend(from.iter().flat_map(|&a| to.iter().map(move |&b| [a, b])));
        }
        PartitionShape::Links(cuts) => links.extend(cuts.iter().copied()),
        unresolved => unreachable!("partition {unresolved:?} is resolved before it applies"),
    }
    links.retain(|[a, b]| a != b);
    links
}

/// The servers in two random halves; each client joins one at random.
pub(crate) fn halves(rng: &mut SimRng, mut servers: Vec<u32>, clients: &[u32]) -> PartitionShape {
    rng.shuffle(&mut servers);
    let (a, b) = servers.split_at(servers.len() / 2);
    join_at_random(rng, vec![a.to_vec(), b.to_vec()], clients)
}

/// `node` alone, and every other server and client together.
pub(crate) fn isolate(node: u32, servers: &[u32], clients: &[u32]) -> PartitionShape {
    let rest = servers
        .iter()
        .chain(clients)
        .copied()
        .filter(|&n| n != node);
    PartitionShape::Groups(vec![vec![node], rest.collect()])
}

/// A minority and a majority of the (already shuffled) servers, with `member` (a
/// server or a client) in the minority; each other client joins a side at random.
pub(crate) fn majority_minority(
    rng: &mut SimRng,
    mut servers: Vec<u32>,
    clients: &[u32],
    member: Option<u32>,
) -> Result<PartitionShape, String> {
    let member_server = member.and_then(|n| servers.iter().position(|&s| s == n));
    if let Some(at) = member_server {
        servers.swap(0, at);
    }
    let (small, large) = servers.split_at((servers.len() - 1) / 2);
    if small.is_empty() {
        return Err("too few servers for a minority".into());
    }
    let mut groups = vec![small.to_vec(), large.to_vec()];
    let member_client = member.filter(|_| member_server.is_none());
    groups[0].extend(member_client);
    let others: Vec<u32> = clients
        .iter()
        .copied()
        .filter(|&c| Some(c) != member_client)
        .collect();
    Ok(join_at_random(rng, groups, &others))
}

/// Two server halves that cannot talk, and one server in neither that talks to both;
/// each client joins a half at random.
pub(crate) fn bridge(
    rng: &mut SimRng,
    mut servers: Vec<u32>,
    clients: &[u32],
) -> Result<PartitionShape, String> {
    if servers.len() < 3 {
        return Err("a bridge needs three servers".into());
    }
    rng.shuffle(&mut servers);
    servers.pop(); // the bridge: in no group, so it keeps every link
    let (a, b) = servers.split_at(servers.len() / 2);
    Ok(join_at_random(rng, vec![a.to_vec(), b.to_vec()], clients))
}

/// The servers in a random ring, each talking only to its two neighbours; each client
/// attaches to a random server and talks to it and its neighbours only.
pub(crate) fn ring(
    rng: &mut SimRng,
    mut servers: Vec<u32>,
    clients: &[u32],
) -> Result<PartitionShape, String> {
    if servers.len() < 4 {
        return Err("a ring needs four servers".into());
    }
    rng.shuffle(&mut servers);
    let mut cuts = ring_cuts(&servers);
    for &client in clients {
        let at = rng.below(servers.len() as u64) as usize;
        cuts.extend(client_cuts(client, &servers, at));
    }
    cuts.sort_unstable();
    Ok(PartitionShape::Links(cuts))
}

/// Each client joins one of `groups`, drawn in client order; every group sorted.
fn join_at_random(rng: &mut SimRng, mut groups: Vec<Vec<u32>>, clients: &[u32]) -> PartitionShape {
    for &client in clients {
        let side = rng.below(groups.len() as u64) as usize;
        groups[side].push(client);
    }
    groups.iter_mut().for_each(|g| g.sort_unstable());
    PartitionShape::Groups(groups)
}

/// The directed links to cut so each node of `ring` talks only to its neighbours.
fn ring_cuts(ring: &[u32]) -> Vec<[u32; 2]> {
    let n = ring.len();
    let mut cuts = Vec::new();
    for i in 0..n {
        for j in 0..n {
            if i != j && !ring_neighbours(i, j, n) {
                cuts.push([ring[i], ring[j]]);
            }
        }
    }
    cuts.sort_unstable();
    cuts
}

/// The links (both ways) between `client` and every server of `ring` other than the
/// one at `at` and its two neighbours.
fn client_cuts(client: u32, ring: &[u32], at: usize) -> Vec<[u32; 2]> {
    let far = (0..ring.len()).filter(|&i| i != at && !ring_neighbours(i, at, ring.len()));
    far.flat_map(|i| [[client, ring[i]], [ring[i], client]])
        .collect()
}

/// Whether places `i` and `j` of a ring of `n` are next to each other.
fn ring_neighbours(i: usize, j: usize, n: usize) -> bool {
    let distance = i.abs_diff(j);
    distance == 1 || distance == n - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    fn rng() -> SimRng {
        SimRng::new(1, Stream::Faults)
    }

    #[test]
    fn a_ring_of_four_cuts_only_the_diagonals() {
        assert_eq!(
            ring_cuts(&[0, 1, 2, 3]),
            vec![[0, 2], [1, 3], [2, 0], [3, 1]]
        );
    }

    #[test]
    fn a_client_on_a_ring_keeps_three_servers() {
        let cuts = client_cuts(9, &[0, 1, 2, 3, 4], 0);
        assert_eq!(cuts, vec![[9, 2], [2, 9], [9, 3], [3, 9]]);
    }

    #[test]
    fn every_client_joins_exactly_one_side() {
        let PartitionShape::Groups(groups) = halves(&mut rng(), vec![0, 1, 2, 3], &[4, 5, 6])
        else {
            panic!("halves are groups");
        };
        let mut all: Vec<u32> = groups.concat();
        all.sort_unstable();
        assert_eq!(all, vec![0, 1, 2, 3, 4, 5, 6]);
        assert!(groups
            .iter()
            .all(|g| g.iter().filter(|&&n| n < 4).count() == 2));
    }

    #[test]
    fn a_client_named_as_the_minority_is_in_it() {
        for seed in 0..20 {
            let mut rng = SimRng::new(seed, Stream::Faults);
            let shape = majority_minority(&mut rng, vec![2, 0, 1], &[3, 4], Some(4)).unwrap();
            let PartitionShape::Groups(groups) = shape else {
                panic!("groups");
            };
            assert!(groups[0].contains(&4) && groups[0].len() >= 2);
            assert!(groups.concat().contains(&3));
        }
    }

    #[test]
    fn groups_cut_cross_group_links_both_ways_and_one_way_cuts_one() {
        let groups = PartitionShape::Groups(vec![vec![0, 1], vec![2]]);
        assert_eq!(cut_links(&groups), vec![[0, 2], [2, 0], [1, 2], [2, 1]]);
        let one_way = PartitionShape::OneWay {
            from: vec![0],
            to: vec![1, 0],
        };
        assert_eq!(cut_links(&one_way), vec![[0, 1]]);
    }

    #[test]
    fn without_clients_only_a_named_client_is_placed() {
        let shape = halves(&mut rng(), vec![0, 1, 2], &[]);
        assert!(shape.named_nodes().iter().all(|&n| n < 3));
        let shape = majority_minority(&mut rng(), vec![2, 0, 1], &[], Some(4)).unwrap();
        assert_eq!(shape, PartitionShape::Groups(vec![vec![2, 4], vec![0, 1]]));
    }
}
