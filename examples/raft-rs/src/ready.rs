//! Handling raft-rs's `Ready`: the adapter's half of the contract, where integration
//! bugs live.
//!
//! In the order raft-rs documents for `RawNode`: send the Ready's `messages` (a
//! leader's appends may leave before its own write); install its snapshot; apply its
//! `committed_entries`; write its `entries` and hard state to disk and **fsync**; only
//! then send its `persisted_messages` (vote grants, append acks: promises about the
//! disk); `advance`, then send and apply what the `LightReady` holds. Each named bug
//! (`bugs`) is a branch here. Every write goes to the simulated disk, where only
//! fsynced records survive a crash.

use crate::api::KvResponse;
use crate::codec::decode_command;
use crate::messages::{Msg, RaftMsg, Record, Timer};
use crate::server::{Ctx, Server};
use crate::situations as s;
use crate::store::Store;
use raft::eraftpb::{Entry, Message, MessageType, Snapshot};
use raft::{Ready, Storage};

pub fn handle_ready(server: &mut Server, ctx: &mut Ctx<'_>) {
    if !server.node_mut().has_ready() {
        return;
    }
    let mut ready = server.node_mut().ready();
    send(ctx, ready.take_messages());
    if !ready.snapshot().is_empty() {
        install_snapshot(server, ctx, ready.snapshot().clone());
    }
    let committed = ready.take_committed_entries();
    if server.config.bugs.apply_uncommitted {
        apply(server, ctx, ready.entries());
    } else {
        apply(server, ctx, &committed);
    }
    persist(server, ctx, &ready);
    send(ctx, ready.take_persisted_messages());
    let mut light = server.node_mut().advance(ready);
    if let Some(commit) = light.commit_index() {
        server.node_mut().mut_store().hard_state.set_commit(commit);
    }
    send(ctx, light.take_messages());
    if !server.config.bugs.apply_uncommitted {
        apply(server, ctx, &light.take_committed_entries());
    }
    server.node_mut().advance_apply();
    maybe_snapshot(server, ctx);
}

fn send(ctx: &mut Ctx<'_>, messages: Vec<Message>) {
    for m in messages {
        if m.get_msg_type() == MessageType::MsgSnapshot {
            ctx.sometimes(s::SNAPSHOT_SENT);
        }
        let to = crate::api::NodeId((m.to - 1) as u32);
        ctx.send(to, Msg::Raft(RaftMsg(m)));
    }
}

/// Writes the Ready's entries and hard state, and makes them durable before the
/// caller sends the messages that depend on them.
fn persist(server: &mut Server, ctx: &mut Ctx<'_>, ready: &Ready) {
    let bugs = server.config.bugs;
    let entries = ready.entries();
    let storage = server.node_mut().mut_store();
    if let Some(first) = entries.first() {
        if first.index <= storage.last_index().unwrap_or(0) {
            ctx.sometimes(s::TAIL_OVERWRITTEN);
        }
        ctx.disk().append(Record::Entries(entries.clone()));
        storage.append(entries);
        if bugs.no_fsync_hardstate {
            ctx.fsync_or_halt(); // the entries, but not the hard state written next
        }
    }
    if let Some(hard_state) = ready.hs() {
        ctx.disk().append(Record::HardState(hard_state.clone()));
        storage.hard_state = hard_state.clone();
    }
    if bugs.send_before_persist {
        // The background writer fsyncs later; the caller sends at once.
        if server.flush_timer.is_none() && ctx.disk().unsynced_len() > 0 {
            server.flush_timer = Some(ctx.set_timer(server.config.flush_ns, Timer::Flush));
        }
        return;
    }
    if !bugs.no_fsync_hardstate && ctx.disk().unsynced_len() > 0 {
        // Fail-stop: a failed fsync halts the server, so nothing that depends on
        // what it failed to make durable is ever sent.
        ctx.fsync_or_halt();
    }
}

/// A leader's snapshot: durable first, then the storage and the state machine.
fn install_snapshot(server: &mut Server, ctx: &mut Ctx<'_>, snapshot: Snapshot) {
    ctx.disk().append(Record::Snapshot(snapshot.clone()));
    ctx.fsync_or_halt();
    let index = snapshot.get_metadata().index;
    server.store = Store::from_bytes(snapshot.get_data())
        .expect("a snapshot's data is a store an adapter wrote");
    server.applied_index = index;
    server.node_mut().mut_store().apply_snapshot(snapshot);
    ctx.sometimes(s::SNAPSHOT_INSTALLED);
}

/// Applies entries to the state machine in log order and answers the clients whose
/// commands this server proposed. Empty entries are a new leader's no-ops.
fn apply(server: &mut Server, ctx: &mut Ctx<'_>, entries: &[Entry]) {
    for entry in entries {
        server.applied_index = entry.index;
        if entry.get_data().is_empty() {
            continue;
        }
        let command = decode_command(entry.get_data()).expect("entries hold commands");
        let outcome = server.store.apply(&command);
        if server.pending.get(&command.client) != Some(&command.seq) {
            continue;
        }
        if let Some(output) = outcome.output() {
            server.pending.remove(&command.client);
            let response = KvResponse::Applied {
                seq: command.seq,
                output: output.clone(),
            };
            ctx.send(
                crate::api::NodeId(command.client as u32),
                Msg::Response(response),
            );
        }
    }
}

/// Every `snapshot_every` applied entries, compacts the log into a snapshot of the
/// store, written and fsynced before the storage drops the entries it covers.
fn maybe_snapshot(server: &mut Server, ctx: &mut Ctx<'_>) {
    let every = server.config.snapshot_every;
    let index = server.applied_index;
    let storage = server.node_mut().store();
    if every == 0 || index < storage.snapshot_index() + every {
        return;
    }
    let Some(term) = storage.entry(index).map(|e| e.term) else {
        return; // not in this log (only with raftrs.apply_uncommitted)
    };
    let mut snapshot = Snapshot::default();
    let meta = snapshot.mut_metadata();
    meta.index = index;
    meta.term = term;
    meta.set_conf_state(storage.conf_state.clone());
    snapshot.set_data(server.store.to_bytes().into());
    ctx.disk().append(Record::Snapshot(snapshot.clone()));
    ctx.fsync_or_halt();
    server.node_mut().mut_store().apply_snapshot(snapshot);
    ctx.sometimes(s::SNAPSHOT_TAKEN);
}
