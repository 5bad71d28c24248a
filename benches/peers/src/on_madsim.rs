//! The two shapes on madsim: each node a madsim node with its own IP address, talking
//! through `madsim::net::Endpoint` (tagged datagrams). Fixed latency: madsim draws a
//! message's latency from a half-open range, so 1 ms..1 ms + 1 ns, which is 1 ms;
//! no packet loss, buggify off (its default).
//!
//! One difference madsim does not let us remove: every `send_to` and every `recv_from`
//! first sleeps a drawn 0-5 µs (its model of a system call), and its sleeps last at
//! least 1 ms of simulated time (as tokio's do), so each call costs 1 ms. A bounce of
//! the ball thus takes 3 ms (send, 1 ms in flight, receive), and ping-pong's 1,000,000
//! deliveries 3,000 simulated seconds; the count of messages is the shape's.
//!
//! For the same reason one task cannot send 4 messages every 1 ms, nor take in 4 per
//! 1 ms: in broadcast each node has a sending task per destination, whose 10,000
//! back-to-back sends leave exactly 1 ms apart (at 1 ms, 2 ms, ..., the shape's
//! cadence), and 4 receiving tasks that count. The run ends when every node has
//! sent its last message.

use crate::shape::{self, Outcome, Shape, LATENCY, PORT};
use madsim::net::Endpoint;
use madsim::runtime::{Handle, Runtime};
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Messages received, and of those the ones a node sent itself.
#[derive(Default)]
struct Counts {
    delivered: AtomicU64,
    from_self: AtomicU64,
}

/// Runs `shape` once on a fresh runtime seeded with `seed`.
pub fn run(shape: Shape, seed: u64) -> Result<Outcome, String> {
    let mut config = madsim::Config::default();
    config.net.packet_loss_rate = 0.0;
    config.net.send_latency = LATENCY..LATENCY + Duration::from_nanos(1);
    let runtime = Runtime::with_seed_and_config(seed, config);
    let counts = Arc::new(Counts::default());
    let inner = counts.clone();
    let sim_time = runtime.block_on(async move {
        let start = Instant::now();
        match shape {
            Shape::Broadcast => broadcast(inner).await?,
            Shape::PingPong => pingpong(inner).await?,
        }
        Ok::<Duration, String>(start.elapsed())
    })?;
    let from_self = counts.from_self.load(Ordering::Relaxed);
    if from_self > 0 {
        return Err(format!(
            "madsim: {from_self} messages came back to their sender"
        ));
    }
    Ok(Outcome {
        messages_delivered: counts.delivered.load(Ordering::Relaxed),
        sim_time,
    })
}

fn address_of(node: usize) -> SocketAddr {
    let ip = Ipv4Addr::new(10, 0, 0, node as u8 + 1);
    (IpAddr::V4(ip), PORT).into()
}

/// Starts `task` on a new node with `node`'s address; its handle reports how it ended.
fn on_node<F>(node: usize, task: F) -> madsim::task::JoinHandle<io::Result<()>>
where
    F: std::future::Future<Output = io::Result<()>> + Send + 'static,
{
    Handle::current()
        .create_node()
        .name(format!("n{node}"))
        .ip(address_of(node).ip())
        .build()
        .spawn(task)
}

/// Waits for every node's task and fails with the first error.
async fn join_all(tasks: Vec<madsim::task::JoinHandle<io::Result<()>>>) -> Result<(), String> {
    for (node, task) in tasks.into_iter().enumerate() {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(format!("madsim: n{node}: {e}")),
            Err(e) => return Err(format!("madsim: n{node} did not finish: {e}")),
        }
    }
    Ok(())
}

async fn broadcast(counts: Arc<Counts>) -> Result<(), String> {
    let tasks = (0..shape::BROADCAST_NODES)
        .map(|node| on_node(node, broadcaster(node, counts.clone())))
        .collect();
    join_all(tasks).await
}

async fn broadcaster(node: usize, counts: Arc<Counts>) -> io::Result<()> {
    let endpoint = Endpoint::bind(address_of(node)).await?;
    let others = (0..shape::BROADCAST_NODES).filter(|&other| other != node);
    for _ in others.clone() {
        let (receiver, counts) = (endpoint.clone(), counts.clone());
        madsim::task::spawn(async move {
            let mut buf = [0u8; 64];
            while let Ok((length, _)) = receiver.recv_from(0, &mut buf).await {
                if shape::broadcast_sender(&buf[..length]) == Some(node) {
                    counts.from_self.fetch_add(1, Ordering::Relaxed);
                }
                counts.delivered.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let senders: Vec<_> = others
        .enumerate()
        .map(|(index, other)| {
            let endpoint = endpoint.clone();
            madsim::task::spawn(async move {
                let start = Instant::now();
                for round in 0..u64::from(shape::BROADCAST_ROUNDS) {
                    let sent = round * (shape::BROADCAST_NODES as u64 - 1) + index as u64;
                    let payload = shape::broadcast_payload(node, sent);
                    endpoint.send_to(address_of(other), 0, &payload).await?;
                }
                on_cadence(start.elapsed())
            })
        })
        .collect();
    for sender in senders {
        sender.await.map_err(io::Error::other)??;
    }
    Ok(())
}

/// The sends must have kept the shape's cadence, one every interval: they do as long
/// as madsim's send costs 1 ms, which this checks rather than assumes. (Its executor
/// also moves the clock 50-100 ns per task it polls, hence a 0.1% tolerance.)
fn on_cadence(elapsed: Duration) -> io::Result<()> {
    let expected = shape::BROADCAST_INTERVAL * shape::BROADCAST_ROUNDS;
    if elapsed < expected || elapsed > expected + expected / 1000 {
        let message = format!("sends took {elapsed:?}, not {expected:?}: madsim's cadence changed");
        return Err(io::Error::other(message));
    }
    Ok(())
}

async fn pingpong(counts: Arc<Counts>) -> Result<(), String> {
    let tasks = (0..2)
        .map(|node| on_node(node, bouncer(node, counts.clone())))
        .collect();
    join_all(tasks).await
}

async fn bouncer(node: usize, counts: Arc<Counts>) -> io::Result<()> {
    let endpoint = Endpoint::bind(address_of(node)).await?;
    if node == 0 {
        endpoint
            .send_to(address_of(1), 0, &1u64.to_le_bytes())
            .await?;
    }
    let mut last_seen: Option<u64> = None;
    let mut buf = [0u8; 8];
    loop {
        let (_, from) = endpoint.recv_from(0, &mut buf).await?;
        let ball = u64::from_le_bytes(buf);
        counts.delivered.fetch_add(1, Ordering::Relaxed);
        if last_seen.is_some_and(|last| ball != last + 2) {
            return Err(io::Error::other(format!(
                "n{node}: the ball skipped a bounce"
            )));
        }
        last_seen = Some(ball);
        if ball >= shape::PINGPONG_MESSAGES {
            return Ok(());
        }
        endpoint.send_to(from, 0, &(ball + 1).to_le_bytes()).await?;
        if ball + 1 >= shape::PINGPONG_MESSAGES {
            return Ok(());
        }
    }
}
