//! Every two-phase commit invariant catches a violation: a healthy run on a clean
//! network commits transfers, then one node's state is corrupted by hand the way a
//! bug would, and the checker must name the broken property.

use faultline_protocols::testkit::{random_workload, TestRun};
use faultline_protocols::twopc::coordinator::{AttemptState, DecisionEntry};
use faultline_protocols::twopc::messages::{AccountChange, Attempt, Change, Reads, Request, TxId};
use faultline_protocols::twopc::node::TwoPcNode;
use faultline_protocols::twopc::participant::{Status, TxState, VoteEntry};
use faultline_protocols::twopc::TwoPc;
use faultline_sim::{NodeId, World, SECOND};
use std::collections::BTreeSet;

type Run = TestRun<TwoPc>;

fn healthy_run() -> Run {
    let mut run = Run::new(3, random_workload(2, 4, 20, 0.0), 5, SECOND, &[]);
    run.run_healthy_until(3 * SECOND);
    run.check_end().expect("every attempt decided");
    let commits = coordinator(&run.world)
        .decision_log
        .iter()
        .filter(|d| d.commit)
        .count();
    assert!(commits > 5, "the run committed transfers: {commits}");
    run
}

fn coordinator(world: &World<TwoPcNode>) -> &faultline_protocols::twopc::coordinator::Coordinator {
    world
        .actor(NodeId(0))
        .and_then(TwoPcNode::as_coordinator)
        .unwrap()
}

fn fake_attempt() -> Attempt {
    Attempt {
        tx: TxId { client: 99, seq: 1 },
        number: 1,
    }
}

/// An attempt the coordinator took part in and decided, with one participant in it.
fn decided_attempt(world: &World<TwoPcNode>, commit: bool) -> (Attempt, u32) {
    let (attempt, state) = coordinator(world)
        .attempts
        .iter()
        .find(|(_, s)| s.decision == Some(commit))
        .expect("such an attempt");
    (*attempt, state.participants[0].0)
}

fn as_coordinator(
    node: &mut TwoPcNode,
) -> &mut faultline_protocols::twopc::coordinator::Coordinator {
    match node {
        TwoPcNode::Coordinator(c) => c,
        _ => panic!("the coordinator"),
    }
}

fn as_participant(
    node: &mut TwoPcNode,
) -> &mut faultline_protocols::twopc::participant::Participant {
    match node {
        TwoPcNode::Participant(p) => p,
        _ => panic!("a participant"),
    }
}

#[test]
fn two_outcomes_for_one_attempt_break_agreement() {
    let mut run = healthy_run();
    let (attempt, state) = coordinator(&run.world)
        .attempts
        .iter()
        .find(|(_, s)| s.decision == Some(true) && s.participants.len() == 1)
        .expect("a committed transfer within one participant");
    let (attempt, inside) = (*attempt, state.participants[0].0);
    let outside = if inside == 1 { 2 } else { 1 };
    run.corrupt(outside, |n| {
        as_participant(n).outcome_log.push((attempt, false))
    });
    assert_eq!(run.violated(), "agreement");
}

#[test]
fn a_changed_outcome_is_a_reversal() {
    let mut run = healthy_run();
    let (attempt, _) = decided_attempt(&run.world, true);
    run.corrupt(0, |n| {
        as_coordinator(n).decision_log.push(DecisionEntry {
            attempt,
            commit: false,
            record: 0,
            recovered: true,
        })
    });
    assert_eq!(run.violated(), "no_reversal");
}

/// Makes the coordinator believe it began `attempt` with participant 1 alone,
/// holding the votes `votes`.
fn begin_fake(run: &mut Run, attempt: Attempt, votes: &[(u32, bool)]) {
    run.corrupt(0, |n| {
        let coordinator = as_coordinator(n);
        let changes = vec![Change::Account(AccountChange {
            account: 0,
            delta: 0,
        })];
        coordinator.attempts.insert(
            attempt,
            AttemptState {
                participants: vec![(1, changes)],
                votes: votes.iter().copied().collect(),
                decision: None,
                acked: BTreeSet::new(),
                vote_reads: Default::default(),
                reads: Reads::default(),
                transfer: Request::Txn(Vec::new()),
            },
        );
        coordinator.begun_log.push(attempt);
    });
}

/// Participant 1 logs a yes vote on `attempt`.
fn vote_yes_fake(run: &mut Run, attempt: Attempt) {
    run.corrupt(1, |n| {
        as_participant(n).vote_log.push(VoteEntry {
            attempt,
            yes: true,
            record: 0,
        })
    });
}

fn decide_fake(run: &mut Run, attempt: Attempt, commit: bool) {
    run.corrupt(0, |n| {
        as_coordinator(n).decision_log.push(DecisionEntry {
            attempt,
            commit,
            record: 0,
            recovered: false,
        })
    });
}

#[test]
fn a_commit_without_every_yes_is_caught() {
    let mut run = healthy_run();
    begin_fake(&mut run, fake_attempt(), &[]);
    run.check().unwrap();
    decide_fake(&mut run, fake_attempt(), true);
    assert_eq!(run.violated(), "commit_needs_all_yes");
}

#[test]
fn an_abort_holding_every_yes_with_no_fault_is_caught() {
    let mut run = healthy_run();
    begin_fake(&mut run, fake_attempt(), &[(1, true)]);
    run.check().unwrap();
    vote_yes_fake(&mut run, fake_attempt());
    run.check().unwrap();
    decide_fake(&mut run, fake_attempt(), false);
    assert_eq!(run.violated(), "abort_without_cause");
}

/// The false alarm of a slow network: the participant voted yes, but its vote was
/// still in flight when the coordinator's vote timer fired. The coordinator did not
/// hold every yes, so its abort had a cause (the timeout).
#[test]
fn an_abort_while_a_yes_is_in_flight_is_not_blamed() {
    let mut run = healthy_run();
    begin_fake(&mut run, fake_attempt(), &[]);
    run.check().unwrap();
    vote_yes_fake(&mut run, fake_attempt());
    run.check().unwrap();
    decide_fake(&mut run, fake_attempt(), false);
    run.check().expect("a timed-out abort is not a violation");
}

#[test]
fn a_yes_before_prepared_is_on_disk_is_caught() {
    let mut run = healthy_run();
    let unsynced = run.world.disk(NodeId(1)).len();
    run.corrupt(1, |n| {
        as_participant(n).vote_log.push(VoteEntry {
            attempt: fake_attempt(),
            yes: true,
            record: unsynced,
        })
    });
    assert_eq!(run.violated(), "prepared_durable");
}

#[test]
fn a_decision_sent_before_it_is_on_disk_is_caught() {
    let mut run = healthy_run();
    let unsynced = run.world.disk(NodeId(0)).len();
    run.corrupt(0, |n| {
        as_coordinator(n).decision_log.push(DecisionEntry {
            attempt: fake_attempt(),
            commit: false,
            record: unsynced,
            recovered: false,
        })
    });
    assert_eq!(run.violated(), "decision_durable");
}

#[test]
fn a_participant_still_prepared_at_the_end_is_caught() {
    let mut run = healthy_run();
    run.corrupt(2, |n| {
        let state = TxState {
            attempt: 1,
            status: Status::Prepared,
            changes: Vec::new(),
            reads: Reads::default(),
        };
        as_participant(n).txs.insert(fake_attempt().tx, state);
    });
    assert_eq!(run.violated_at_end(), "all_decided");
}

#[test]
fn money_from_nowhere_is_caught() {
    let mut run = healthy_run();
    run.corrupt(1, |n| {
        let balance = as_participant(n).balances.values_mut().next().unwrap();
        *balance += 1;
    });
    assert_eq!(run.violated_at_end(), "money_conserved");
}

/// Money moved between two accounts that no client was told of (or a commit never
/// applied): the total still adds up, what the clients were told does not.
#[test]
fn balances_other_than_the_clients_were_told_are_caught() {
    let mut run = healthy_run();
    run.corrupt(1, |n| {
        let mut balances = as_participant(n).balances.values_mut();
        *balances.next().unwrap() -= 5;
        *balances.next().unwrap() += 5;
    });
    assert_eq!(run.violated_at_end(), "balances_as_told");
}

#[test]
fn a_lock_kept_after_its_attempt_resolved_is_caught() {
    let mut run = healthy_run();
    let (attempt, participant) = decided_attempt(&run.world, true);
    run.corrupt(participant, |n| {
        let p = as_participant(n);
        let account = *p.balances.keys().next().expect("an account");
        p.locks.insert(account, attempt);
    });
    assert_eq!(run.violated(), "locks_held_by_prepared");
}

#[test]
fn a_prepared_attempt_that_does_not_lock_its_accounts_is_caught() {
    let mut run = healthy_run();
    let attempt = fake_attempt();
    run.corrupt(1, |n| {
        let p = as_participant(n);
        let account = *p.balances.keys().next().expect("an account");
        let state = TxState {
            attempt: attempt.number,
            status: Status::Prepared,
            changes: vec![Change::Account(AccountChange { account, delta: -1 })],
            reads: Reads::default(),
        };
        p.txs.insert(attempt.tx, state);
        p.prepared.insert(attempt.tx);
    });
    assert_eq!(run.violated(), "locks_held_by_prepared");
}

/// A healthy run long enough for both kinds of log to pass the compaction threshold.
fn long_run() -> Run {
    let mut run = Run::new(3, random_workload(2, 4, 2500, 0.0), 5, 60 * SECOND, &[]);
    run.run_healthy_until(600 * SECOND);
    run.check_end().expect("every attempt decided");
    run
}

/// A long run's coordinator log is rewritten to its live attempts, the settled ones
/// it forgets are none a restart needs, and the restarted coordinator still knows
/// every attempt it had not forgotten.
#[test]
fn a_long_run_compacts_the_coordinators_log_and_recovers_from_it() {
    let mut run = long_run();
    let before = coordinator(&run.world);
    let begun = before.begun_log.len();
    let known: Vec<Attempt> = before.attempts.keys().copied().collect();
    let threshold = faultline_protocols::twopc::log_compaction::RECORDS_BEFORE_COMPACTION;
    assert!(begun * 3 > threshold, "enough attempts to compact: {begun}");
    let records = run.world.disk(NodeId(0)).len();
    assert!(
        records < begun,
        "the log was compacted: {records} records for {begun} attempts"
    );
    assert!(before.attempts.len() < begun, "settled attempts forgotten");
    run.world.apply_fault(faultline_sim::FaultAction::Crash {
        target: faultline_sim::Target::Node(0),
        restart_after_ns: None,
    });
    run.check().expect("the checker sees the crash");
    run.world.apply_fault(faultline_sim::FaultAction::Restart(
        faultline_sim::Target::Node(0),
    ));
    let restarted = coordinator(&run.world);
    assert_eq!(
        restarted.attempts.keys().copied().collect::<Vec<_>>(),
        known,
        "the compacted log holds exactly the attempts kept in memory"
    );
    assert!(
        restarted.undecided.is_empty(),
        "nothing left to presume aborted"
    );
    run.check()
        .expect("the recovered decisions agree with the participants");
    run.check_end().expect("still all decided");
}

/// The same for a participant: its log becomes a checkpoint of the balances plus the
/// attempts in doubt, and a restart from it holds the same money.
#[test]
fn a_long_run_compacts_a_participants_log_and_recovers_from_it() {
    let mut run = long_run();
    let participant = |world: &World<TwoPcNode>| {
        world
            .actor(NodeId(1))
            .and_then(TwoPcNode::as_participant)
            .unwrap()
            .clone()
    };
    let before = participant(&run.world);
    let records = run.world.disk(NodeId(1)).len();
    assert!(
        records < before.outcome_log.len(),
        "the log was compacted: {records} records for {} outcomes",
        before.outcome_log.len()
    );
    assert!(
        !before.forgotten.is_empty(),
        "settled transactions forgotten"
    );
    run.world.apply_fault(faultline_sim::FaultAction::Crash {
        target: faultline_sim::Target::Node(1),
        restart_after_ns: None,
    });
    run.check().expect("the checker sees the crash");
    run.world.apply_fault(faultline_sim::FaultAction::Restart(
        faultline_sim::Target::Node(1),
    ));
    let after = participant(&run.world);
    assert_eq!(
        after.balances, before.balances,
        "the money survives the restart"
    );
    assert_eq!(after.forgotten, before.forgotten, "and what was forgotten");
    run.check().expect("the recovered outcomes agree");
    run.check_end().expect("still all decided and conserved");
}

/// A query about an attempt the coordinator compacted away, arriving after the asker
/// recorded the commit (it asked while still prepared): the coordinator must not
/// answer "abort", which would contradict the commit (a participant asserts one
/// decision per attempt), but `Forgotten`, which the asker then ignores.
#[test]
fn a_late_query_about_a_forgotten_commit_is_not_answered_abort() {
    let mut run = long_run();
    let kept = &coordinator(&run.world).attempts;
    let forgotten: BTreeSet<Attempt> = coordinator(&run.world)
        .decision_log
        .iter()
        .filter(|d| d.commit && !kept.contains_key(&d.attempt))
        .map(|d| d.attempt)
        .collect();
    let committed_here = |world: &World<TwoPcNode>, node: u32| {
        let participant = world
            .actor(NodeId(node))
            .and_then(TwoPcNode::as_participant);
        let txs = &participant.expect("live").txs;
        forgotten.iter().copied().find(|a| {
            txs.get(&a.tx)
                .is_some_and(|s| s.attempt == a.number && s.status == Status::Committed)
        })
    };
    let (asker, attempt) = (1..=3)
        .find_map(|node| committed_here(&run.world, node).map(|a| (node, a)))
        .expect("a forgotten commit a participant still remembers");
    run.world.with_context(NodeId(0), |node, ctx| {
        let TwoPcNode::Coordinator(coordinator) = node else {
            unreachable!("node 0 is the coordinator")
        };
        let query = faultline_protocols::twopc::messages::Msg::Query { attempt };
        coordinator.on_message(ctx, NodeId(asker), query);
    });
    run.run_healthy_until(601 * SECOND);
    assert_eq!(committed_here(&run.world, asker), Some(attempt));
    run.check().expect("no outcome contradicted");
}
