//! What a client runs and when, shared by every protocol's clients: operations drawn
//! at random and paced over the fault period (so faults hit operations in flight), or
//! an explicit script (what the shrinker writes), each operation invoked no earlier
//! than its time and after the previous one completed.

use crate::protocol::{ScriptedOp, Workload};
use faultline_sim::{Actor, Context, Nanos, MILLISECOND};

/// What one client runs: `Op` is the protocol's operation type.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan<Op> {
    /// This many operations drawn from the client's random stream.
    Random { ops: usize },
    /// These operations in order, each invoked no earlier than its time.
    Script(Vec<(Nanos, Op)>),
}

impl<Op: Clone> Plan<Op> {
    /// Client number `index`'s share of the workload: its entries of the script (each
    /// turned into an `Op` by `parse`, which may assume the script was checked), or
    /// its share of the random operations.
    pub fn for_client(
        workload: &Workload,
        index: usize,
        parse: impl Fn(&ScriptedOp) -> Op,
    ) -> Self {
        if !workload.script.is_empty() {
            let mine = workload.script.iter().filter(|s| s.client == index);
            return Plan::Script(mine.map(|s| (s.at_ns, parse(s))).collect());
        }
        let clients = workload.clients.max(1);
        Plan::Random {
            ops: workload.ops / clients + usize::from(index < workload.ops % clients),
        }
    }

    /// How many operations the client runs in all.
    pub fn len(&self) -> usize {
        match self {
            Plan::Random { ops } => *ops,
            Plan::Script(ops) => ops.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where a client restarted at `now` (a fresh process taking over a crashed one)
    /// begins: a script's first operation not yet due (the crashed process's backlog
    /// died with it), or the start of a random share, drawn afresh.
    pub fn resume_at(&self, now: Nanos) -> usize {
        match self {
            Plan::Script(ops) => ops.partition_point(|(at_ns, _)| *at_ns <= now),
            Plan::Random { .. } => 0,
        }
    }

    /// Operation number `n` (0-based) if the plan names it; `None` for random plans,
    /// whose client draws its own.
    pub fn scripted(&self, n: usize) -> Option<&Op> {
        match self {
            Plan::Script(ops) => ops.get(n).map(|(_, op)| op),
            Plan::Random { .. } => None,
        }
    }
}

/// How random operations are spread over the fault period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pacing {
    /// Mean pause between one operation's completion and the next invocation.
    pub think_ns_mean: Nanos,
    /// After this (by the client's clock) operations are no longer paced: the faults
    /// have healed and the client finishes its remaining work promptly.
    pub ends_ns: Nanos,
}

impl Pacing {
    /// Spreads each client's share of `workload` over `fault_period_ns`, unless the
    /// workload pins the think time.
    pub fn for_workload(workload: &Workload, fault_period_ns: Nanos) -> Self {
        let per_client = (workload.ops / workload.clients.max(1)).max(1) as u64;
        Pacing {
            think_ns_mean: workload
                .think_ns_mean
                .unwrap_or(fault_period_ns / per_client)
                .max(MILLISECOND),
            ends_ns: fault_period_ns,
        }
    }

    /// How long to wait before invoking operation number `n` (0-based) of `plan`: a
    /// random plan's pause is drawn, but never past the end of the pacing.
    pub fn delay_before<Op: Clone, A: Actor>(
        &self,
        plan: &Plan<Op>,
        n: usize,
        ctx: &mut Context<'_, A>,
    ) -> Nanos {
        let now = ctx.now();
        let delay = match plan {
            Plan::Script(ops) => ops[n].0.saturating_sub(now),
            Plan::Random { .. } if now >= self.ends_ns => MILLISECOND,
            Plan::Random { .. } => {
                let think_ns = ctx.rng().exponential(self.think_ns_mean as f64) as Nanos;
                // A long draw near the end would invoke after the faults healed and
                // the quiet period ran out: the operation is due when pacing ends.
                think_ns.min(self.ends_ns - now)
            }
        };
        delay.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restarted_client_resumes_at_the_first_operation_not_yet_due() {
        let script = Plan::Script(vec![(10, 'a'), (20, 'b'), (20, 'c'), (30, 'd')]);
        assert_eq!(script.resume_at(5), 0);
        assert_eq!(script.resume_at(10), 1, "one due at the crash died with it");
        assert_eq!(script.resume_at(25), 3);
        assert_eq!(script.resume_at(99), 4, "nothing left");
        let random: Plan<char> = Plan::Random { ops: 7 };
        assert_eq!(random.resume_at(25), 0, "a random share is drawn afresh");
    }
}
