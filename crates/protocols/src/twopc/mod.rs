//! Two-phase commit (Gray 1978; Bernstein, Hadzilacos & Goodman ch. 7) over a bank
//! whose accounts are spread over the participants.
//!
//! Sketch. A client asks the coordinator (node 0) to move money between two
//! accounts. The coordinator forces a BEGUN record to disk, then sends PREPARE to
//! each participant holding one of the accounts (phase one). A participant votes yes
//! only if it can make its change (the account is not locked by another transaction
//! and would not go negative): it forces PREPARED to disk and locks the account
//! first, and from then on must follow the coordinator. With every vote yes the
//! coordinator commits, on any no or a vote timeout it aborts; it forces the decision
//! to disk and sends it (phase two), resending until every participant acknowledges.
//! A prepared participant that hears nothing asks the coordinator (termination);
//! after a crash the coordinator aborts what it had begun but not decided (presumed
//! abort) and participants rebuild their state from their disks. A client retries an
//! aborted transfer as the next attempt of the same transaction.
//!
//! Invariants (`invariants`): agreement, no reversal, commit only with all yes, no
//! abort without a cause, PREPARED and decisions durable before they are acted on,
//! every attempt decided once the faults heal, money conserved.
//!
//! With the option `"workload": "list_append"` the clients run transactions of
//! appends and reads over keys spread the same way (`lists`), and the harness
//! checks their history strict serializable (`TwoPc::isolation`).
//!
//! Where to look: `coordinator`, `participant`, `client`, `bank` (accounts and
//! transfers), `lists` (the list-append workload), `messages`, `bugs`, `node` (the
//! roles as one actor type).

pub mod attempt_record;
pub mod attempts_seen;
pub mod bank;
pub mod bugs;
pub mod client;
pub mod config;
pub mod coordinator;
pub mod crash_points;
pub mod invariants;
pub mod lists;
pub mod log_compaction;
pub mod messages;
pub mod node;
pub mod options;
pub mod participant;
pub mod participant_compaction;
pub mod properties;
pub mod situations;
pub mod told_transfers;

use crate::assumptions::Assumptions;
use crate::bugs::BugInfo;
use crate::list_append::{check_txn_entry, parse_txn_ops, TxnShape};
use crate::plan::{Pacing, Plan};
use crate::property::Property;
use crate::protocol::{
    Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
};
use crate::transactions::{Consistency, Isolation, TxnModel, TXN};
use bank::{parse_transfer, Bank};
use bugs::{TwoPcBugs, BUGS};
use client::BankClient;
use config::TwoPcConfig;
use coordinator::Coordinator;
use faultline_sim::{NodeId, World, MILLISECOND};
use invariants::TwoPcChecker;
use messages::{Request, Transfer};
use node::TwoPcNode;
pub use options::{TwoPcOptions, TwoPcWorkload};
use participant::Participant;
use std::rc::Rc;

pub struct TwoPc {
    config: Rc<TwoPcConfig>,
    workload: Workload,
    pacing: Pacing,
    checker: TwoPcChecker,
}

impl Protocol for TwoPc {
    type Node = TwoPcNode;
    type Options = TwoPcOptions;
    const NAME: &'static str = "twopc";
    const SUMMARY: &'static str = "two-phase commit of bank transfers (or list-append \
        transactions, checked strict serializable) across participants (presumed abort)";
    const HISTORY_MODEL: Option<&'static str> = None;
    const HAS_CLIENTS: bool = true;
    const TAKES_SCRIPT: bool = true;

    fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
        let mut appended = std::collections::BTreeMap::new();
        for (entry, op) in script.iter().enumerate() {
            let problem = |field, message| ScriptProblem {
                entry,
                field,
                message,
            };
            match op.f.as_str() {
                "transfer" => {
                    parse_transfer(&op.key, op.value.as_deref()).map_err(|m| problem("key", m))?;
                }
                TXN => check_txn_entry(entry, op, &mut appended)?,
                other => {
                    let message = format!("unknown operation `{other}`; expected transfer or txn");
                    return Err(problem("f", message));
                }
            }
        }
        Ok(())
    }

    fn bugs() -> &'static [BugInfo] {
        BUGS
    }

    fn properties() -> &'static [Property] {
        properties::PROPERTIES
    }

    fn situations() -> &'static [&'static str] {
        situations::SITUATIONS
    }

    fn crash_points() -> &'static [&'static str] {
        crash_points::CRASH_POINTS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        if setup.servers < 2 {
            return Err(SetupError::Invalid(
                "two-phase commit needs a coordinator and at least one participant: nodes >= 2"
                    .into(),
            ));
        }
        let options: TwoPcOptions = setup.read_options()?;
        let bank = Bank {
            accounts: options.accounts.clamp(2, 10_000) as u32,
            participants: setup.servers as u32 - 1,
            initial_balance: options.initial_balance.min(1 << 40) as i64,
        };
        check_accounts_named(&setup.workload, &bank)?;
        let txn = (options.workload == TwoPcWorkload::ListAppend)
            .then(|| TxnShape::for_workload(&setup.workload, options.txn_ops_max));
        check_script_fits(&setup.workload, txn.is_some())?;
        let config = TwoPcConfig {
            bank,
            vote_timeout_ns: options.vote_timeout_ms.max(1).saturating_mul(MILLISECOND),
            resend_ns: options.resend_ms.max(1).saturating_mul(MILLISECOND),
            decision_patience_ns: 100 * MILLISECOND,
            group_commit_ns: 20 * MILLISECOND,
            attempts_max: options.attempts_max.clamp(1, 100) as u32,
            amount_max: options.amount_max.clamp(1, 1 << 40) as i64,
            txn,
            bugs: TwoPcBugs::from(&setup.bugs),
        };
        Ok(TwoPc {
            workload: setup.workload.clone(),
            pacing: Pacing::for_workload(&setup.workload, setup.fault_period_ns),
            checker: TwoPcChecker::new(bank),
            config: Rc::new(config),
        })
    }

    /// The coordinator claims `leader` (see `node.rs`).
    /// Its decisions and outbox survive a crash on disk.
    fn assumptions(&self) -> Assumptions {
        Assumptions {
            durable_disk: true,
            tolerates_fsync_errors: true,
            ..Assumptions::default()
        }
    }

    fn roles(&self) -> &'static [&'static str] {
        &["leader"]
    }

    /// With the list-append workload: strict serializable. Every lock is held until
    /// the decision (strict two-phase locking across the participants), so a
    /// transaction holds all it locked when it is decided, and one invoked after
    /// another completed is decided after it (`lists` says more).
    fn isolation(&self) -> Option<Isolation> {
        self.config.txn.map(|_| Isolation {
            model: TxnModel::ListAppend,
            consistency: Consistency::StrictSerializable,
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> TwoPcNode> {
        let config = self.config.clone();
        let servers = config.bank.participants + 1;
        let workload = self.workload.clone();
        let pacing = self.pacing;
        Box::new(move |id| match id.0 {
            0 => TwoPcNode::Coordinator(Box::new(Coordinator::new(config.clone()))),
            n if n < servers => {
                TwoPcNode::Participant(Box::new(Participant::new(n, config.clone())))
            }
            n => {
                let plan = Plan::for_client(&workload, (n - servers) as usize, scripted_request);
                TwoPcNode::Client(Box::new(BankClient::new(id, config.clone(), pacing, plan)))
            }
        })
    }

    fn check_step(&mut self, world: &World<TwoPcNode>) -> Result<(), Violation> {
        self.checker.check(world)
    }

    fn check_end(&mut self, world: &World<TwoPcNode>) -> Result<(), Violation> {
        self.checker.check_end(world)
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    /// Client transfers still to finish, and attempts still undecided somewhere: the
    /// run is not over while a participant waits for a decision.
    fn unfinished_ops(&self, world: &World<TwoPcNode>) -> usize {
        let unfinished = |node: &TwoPcNode| match node {
            TwoPcNode::Client(c) => c.unfinished(),
            TwoPcNode::Participant(p) => p.prepared.len(),
            TwoPcNode::Coordinator(c) => c.undecided.len(),
        };
        world.actors().iter().flatten().map(unfinished).sum()
    }
}

/// The transfer or transaction a checked script entry names.
fn scripted_request(op: &ScriptedOp) -> Request {
    match op.f.as_str() {
        TXN => Request::Txn(parse_txn_ops(op.value.as_deref()).expect("checked by check_script")),
        _ => Request::Transfer(scripted_transfer(op)),
    }
}

/// The transfer a checked script entry names.
fn scripted_transfer(op: &ScriptedOp) -> Transfer {
    parse_transfer(&op.key, op.value.as_deref()).expect("checked by check_script")
}

/// A script runs the workload's kind of operation: transfers for the bank,
/// transactions for list-append.
fn check_script_fits(workload: &Workload, list_append: bool) -> Result<(), SetupError> {
    let expected = if list_append { TXN } else { "transfer" };
    match workload.script.iter().position(|op| op.f != expected) {
        Some(entry) => Err(SetupError::Invalid(format!(
            "workload.script[{entry}] is a `{}` but the option workload is {}; expected \
                `{expected}`",
            workload.script[entry].f,
            if list_append { "list_append" } else { "bank" },
        ))),
        None => Ok(()),
    }
}

/// A script may only name accounts the bank has.
fn check_accounts_named(workload: &Workload, bank: &Bank) -> Result<(), SetupError> {
    let transfers = workload.script.iter().filter(|op| op.f == "transfer");
    let named = transfers.map(scripted_transfer);
    match named
        .flat_map(|t| [t.from, t.to])
        .find(|&a| a >= bank.accounts)
    {
        Some(account) => Err(SetupError::Invalid(format!(
            "workload.script names account a{account} but the bank has {} (option accounts)",
            bank.accounts
        ))),
        None => Ok(()),
    }
}
