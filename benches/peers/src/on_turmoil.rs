//! The two shapes on turmoil: each node a turmoil client (a tokio runtime of its own,
//! stepped with the others one tick at a time) talking over turmoil's simulated UDP,
//! the closest it has to faultline's datagrams (its TCP would add connection set-up
//! and acknowledgements). Fixed latency: minimum and maximum message latency both
//! 1 ms; no message loss. The tick is turmoil's default, 1 ms, the shape's own grain.
//!
//! Broadcast: per node a receiving task that counts, and the node's own task sending
//! its 10,000 rounds at 1 ms, 2 ms, ... after its start; the run ends when every node
//! has sent its last round. Ping-pong: each node receives, counts and throws the ball
//! back until 1,000,000 deliveries.

use crate::shape::{self, Outcome, Shape, LATENCY, PORT};
use std::cell::Cell;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::time::{Duration, UNIX_EPOCH};
use turmoil::net::UdpSocket;

/// Runs `shape` once on a fresh simulation seeded with `seed`.
pub fn run(shape: Shape, seed: u64) -> Result<Outcome, String> {
    let limit = match shape {
        Shape::Broadcast => Duration::from_secs(11),
        Shape::PingPong => Duration::from_secs(3_000),
    };
    let mut sim = turmoil::Builder::new()
        .min_message_latency(LATENCY)
        .max_message_latency(LATENCY)
        .tick_duration(Duration::from_millis(1))
        .simulation_duration(limit)
        .epoch(UNIX_EPOCH)
        .rng_seed(seed)
        .build();
    let delivered = Rc::new(Cell::new(0u64));
    let from_self = Rc::new(Cell::new(0u64));
    match shape {
        Shape::Broadcast => broadcast(&mut sim, &delivered, &from_self),
        Shape::PingPong => pingpong(&mut sim, &delivered),
    }
    sim.run().map_err(|e| format!("turmoil: {e}"))?;
    if from_self.get() > 0 {
        return Err(format!(
            "turmoil: {} messages came back to their sender",
            from_self.get()
        ));
    }
    Ok(Outcome {
        messages_delivered: delivered.get(),
        sim_time: sim.elapsed(),
    })
}

fn host(node: usize) -> String {
    format!("n{node}")
}

fn bind_address() -> SocketAddr {
    (IpAddr::V4(Ipv4Addr::UNSPECIFIED), PORT).into()
}

fn address_of(node: usize) -> SocketAddr {
    (turmoil::lookup(host(node)), PORT).into()
}

fn broadcast(sim: &mut turmoil::Sim<'_>, delivered: &Rc<Cell<u64>>, from_self: &Rc<Cell<u64>>) {
    for node in 0..shape::BROADCAST_NODES {
        let (delivered, from_self) = (delivered.clone(), from_self.clone());
        sim.client(host(node), async move {
            let socket = Rc::new(UdpSocket::bind(bind_address()).await?);
            let others: Vec<SocketAddr> = (0..shape::BROADCAST_NODES)
                .filter(|&other| other != node)
                .map(address_of)
                .collect();
            let receiver = socket.clone();
            tokio::task::spawn_local(async move {
                let mut buf = [0u8; 64];
                while let Ok((length, _)) = receiver.recv_from(&mut buf).await {
                    if shape::broadcast_sender(&buf[..length]) == Some(node) {
                        from_self.set(from_self.get() + 1);
                    }
                    delivered.set(delivered.get() + 1);
                }
            });
            let start = tokio::time::Instant::now();
            let mut sent = 0u64;
            for round in 1..=shape::BROADCAST_ROUNDS {
                tokio::time::sleep_until(start + shape::BROADCAST_INTERVAL * round).await;
                let payload = shape::broadcast_payload(node, sent);
                for to in &others {
                    socket.send_to(&payload, to).await?;
                    sent += 1;
                }
            }
            Ok(())
        });
    }
}

fn pingpong(sim: &mut turmoil::Sim<'_>, delivered: &Rc<Cell<u64>>) {
    for node in 0..2 {
        let delivered = delivered.clone();
        sim.client(host(node), async move {
            let socket = UdpSocket::bind(bind_address()).await?;
            if node == 0 {
                socket.send_to(&1u64.to_le_bytes(), address_of(1)).await?;
            }
            let mut last_seen: Option<u64> = None;
            let mut buf = [0u8; 8];
            loop {
                let (_, from) = socket.recv_from(&mut buf).await?;
                let ball = u64::from_le_bytes(buf);
                delivered.set(delivered.get() + 1);
                if last_seen.is_some_and(|last| ball != last + 2) {
                    return Err(format!("n{node}: the ball skipped a bounce").into());
                }
                last_seen = Some(ball);
                if ball >= shape::PINGPONG_MESSAGES {
                    return Ok(());
                }
                socket.send_to(&(ball + 1).to_le_bytes(), from).await?;
                if ball + 1 >= shape::PINGPONG_MESSAGES {
                    return Ok(());
                }
            }
        });
    }
}
