//! Example protocols: the smallest useful actors, to learn the Actor API from and to
//! benchmark the kernel. They check nothing deep; the message counts they keep are
//! asserted by the harness tests and benchmarks.
//!
//! - [`broadcast`]: every node sends a 16-byte message to every other node on a tick.
//! - [`pingpong`]: two nodes bounce one message back and forth.
//! - [`gossip`]: rumors spread by random push to a few peers, with memory bounded
//!   per node (the scaling benchmark, up to 10,000 nodes).

pub mod broadcast;
pub mod gossip;
pub mod pingpong;
