//! The places inside a replica's handlers where a crash tells most, marked with
//! `ctx.crash_point(..)` and declared by `Abd::crash_points()`. A scenario crashes a
//! replica at one (`{"crash": 2, "at_point": "after_store_ack"}`), or the nemesis
//! draws them (`faults.random.crash_point_every`).

/// A store just acknowledged: what the ack promised must already be on disk.
pub const AFTER_STORE_ACK: &str = "after_store_ack";

pub const CRASH_POINTS: &[&str] = &[AFTER_STORE_ACK];
