//! Drawing the random partition shapes: which nodes end up on which side.
//!
//! The World resolves targets (`random`, `leader`) and hands these functions the
//! servers and the clients a shape spans: no clients for a plain shape, every client
//! for one wrapped in [`PartitionShape::WithClients`]. The servers are always divided
//! first, with the same draws either way; each client then joins a side with one draw
//! of its own. So a plain shape draws exactly what it always drew, and its result
//! names servers only.

use crate::fault::PartitionShape;
use crate::rng::SimRng;

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
    fn without_clients_only_a_named_client_is_placed() {
        let shape = halves(&mut rng(), vec![0, 1, 2], &[]);
        assert!(shape.named_nodes().iter().all(|&n| n < 3));
        let shape = majority_minority(&mut rng(), vec![2, 0, 1], &[], Some(4)).unwrap();
        assert_eq!(shape, PartitionShape::Groups(vec![vec![2, 4], vec![0, 1]]));
    }
}
