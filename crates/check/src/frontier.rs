//! The frontier of a streaming linearizability check: every configuration a
//! linearization of the history so far can be in, each a model state and the set of
//! operations still in flight that it has already linearized.
//!
//! This is Lowe's just-in-time linearization, kept breadth first so nothing behind the
//! frontier is needed again: an operation is linearized only when some operation
//! returns and needs it first. At a return each configuration linearizes operations
//! in flight, in every order the model allows, until it has linearized the returning
//! one; a configuration that cannot is dropped, and when none is left no
//! linearization exists. Configurations are deduplicated, a read that can take effect
//! is linearized at once (delaying it never helps), and a configuration that left an
//! `info` operation unlinearized makes the same one with it linearized redundant: an
//! `info` operation may never take effect, so not having used it can only leave more
//! open.

use crate::history::Op;
use crate::model::Model;
use crate::slots::Slots;
use crate::stream::StreamLimits;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// One place a partial linearization can be.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Config<S> {
    state: S,
    /// Slots of in-flight operations that must return, already linearized here.
    required: Slots,
    /// Slots of `info` operations linearized here.
    optional: Slots,
}

/// Configurations met so far, keeping only the least committed: a configuration is
/// new unless one with the same state and required set has linearized a subset of
/// its optional operations. Few are met at most returns, so they are scanned in a
/// list until there are [`MET_SCANNED_MAX`], then indexed by place.
struct Met<S> {
    scanned: Vec<Config<S>>,
    optional_by_place: HashMap<(S, Slots), Vec<Slots>>,
    len: usize,
}

/// Configurations a [`Met`] scans before it indexes them.
const MET_SCANNED_MAX: usize = 32;

impl<S: Clone + Eq + Hash> Met<S> {
    fn new() -> Self {
        Met {
            scanned: Vec::new(),
            optional_by_place: HashMap::new(),
            len: 0,
        }
    }

    /// Records `config`; false when it adds nothing to what was met.
    fn insert(&mut self, config: &Config<S>) -> bool {
        if self.scanned.len() < MET_SCANNED_MAX && self.optional_by_place.is_empty() {
            let same_place =
                |met: &Config<S>| met.state == config.state && met.required == config.required;
            if self
                .scanned
                .iter()
                .any(|met| same_place(met) && met.optional.is_subset(&config.optional))
            {
                return false;
            }
            self.scanned
                .retain(|met| !(same_place(met) && config.optional.is_subset(&met.optional)));
            self.scanned.push(config.clone());
            self.len += 1;
            return true;
        }
        if !self.scanned.is_empty() {
            // Moving to the index: the scanned ones are counted again there.
            self.len -= self.scanned.len();
            for met in std::mem::take(&mut self.scanned) {
                self.index(met);
            }
        }
        self.index(config.clone())
    }

    /// Records `config` in the index by place.
    fn index(&mut self, config: Config<S>) -> bool {
        let optional_sets = self
            .optional_by_place
            .entry((config.state, config.required))
            .or_default();
        if optional_sets
            .iter()
            .any(|met| met.is_subset(&config.optional))
        {
            return false;
        }
        optional_sets.retain(|met| !config.optional.is_subset(met));
        optional_sets.push(config.optional);
        self.len += 1;
        true
    }

    /// Whether `config` is still among the least committed met.
    fn keeps(&self, config: &Config<S>) -> bool {
        if self.optional_by_place.is_empty() {
            return self.scanned.contains(config);
        }
        let place = (config.state.clone(), config.required.clone());
        self.optional_by_place
            .get(&place)
            .is_some_and(|sets| sets.contains(&config.optional))
    }
}

/// An operation between its call and its return (for `info`, forever).
struct InFlight {
    op: Op,
    read_only: bool,
}

/// Why a return could not be passed.
#[derive(Debug)]
pub(crate) enum Blocked {
    /// No configuration could linearize `op`; the states they were in.
    Unreachable {
        op: Box<Op>,
        states_before: Vec<String>,
    },
    /// The step budget ran out.
    OutOfSteps,
    /// More configurations than the limit: too much concurrency to follow breadth first.
    TooWide,
}

/// The configurations, and the operations in flight they refer to by slot.
pub(crate) struct Frontier<S> {
    configs: Vec<Config<S>>,
    flight: Vec<Option<InFlight>>,
    free: Vec<usize>,
    /// Slots of `info` operations: they never return and may never take effect.
    optional: Slots,
    /// Model steps taken so far.
    pub(crate) steps: u64,
    /// The most configurations held at once.
    pub(crate) configs_max: usize,
}

impl<S: Clone + Eq + Hash> Frontier<S> {
    pub(crate) fn new(init: S) -> Self {
        Frontier {
            configs: vec![Config {
                state: init,
                required: Slots::default(),
                optional: Slots::default(),
            }],
            flight: Vec::new(),
            free: Vec::new(),
            optional: Slots::default(),
            steps: 0,
            configs_max: 1,
        }
    }

    /// `op` is called: it may be linearized from now on. An `optional` one (`info`)
    /// never returns.
    pub(crate) fn call(&mut self, op: Op, optional: bool, read_only: bool) -> usize {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.flight.push(None);
            self.flight.len() - 1
        });
        self.flight[slot] = Some(InFlight { op, read_only });
        if optional {
            self.optional.insert(slot);
        }
        slot
    }

    /// The operation in `slot` returns: every configuration must have linearized it
    /// by now; within the limits' model steps (in all) and configurations.
    pub(crate) fn ret<M: Model<State = S>>(
        &mut self,
        model: &M,
        slot: usize,
        limits: &StreamLimits,
    ) -> Result<(), Blocked> {
        if self.is_alone(slot) {
            return self.ret_alone(model, slot);
        }
        let mut met = Met::new();
        let mut queue = VecDeque::new();
        for config in &self.configs {
            if met.insert(config) {
                queue.push_back(config.clone());
            }
        }
        let mut reached = Vec::new();
        while let Some(mut config) = queue.pop_front() {
            if self.steps > limits.steps_max {
                return Err(Blocked::OutOfSteps);
            }
            if met.len > limits.configurations_max {
                return Err(Blocked::TooWide);
            }
            if !met.keeps(&config) {
                continue; // a less committed configuration was met since
            }
            if config.required.contains(slot) {
                config.required.remove(slot);
                reached.push(config);
                continue;
            }
            for next in self.successors(model, &config) {
                if met.insert(&next) {
                    queue.push_back(next);
                }
            }
        }
        let returned = self.flight[slot]
            .take()
            .expect("a returning slot is in flight");
        self.free.push(slot);
        if reached.is_empty() {
            return Err(Blocked::Unreachable {
                op: Box::new(returned.op),
                states_before: self.states(model),
            });
        }
        self.configs = least_committed(reached);
        self.configs_max = self.configs_max.max(self.configs.len());
        Ok(())
    }

    /// Whether the operation in `slot` is all one configuration has left to
    /// linearize: then passing its return is one model step (the common case of a
    /// few clients, most of whose operations overlap no other).
    fn is_alone(&self, slot: usize) -> bool {
        let [config] = self.configs.as_slice() else {
            return false;
        };
        self.optional == Slots::default()
            && self.flight.iter().enumerate().all(|(other, flight)| {
                flight.is_none() || other == slot || config.required.contains(other)
            })
    }

    /// Passes the return of the operation in `slot` when [`Frontier::is_alone`].
    fn ret_alone<M: Model<State = S>>(&mut self, model: &M, slot: usize) -> Result<(), Blocked> {
        let returned = self.flight[slot]
            .take()
            .expect("a returning slot is in flight");
        self.free.push(slot);
        let config = &mut self.configs[0];
        if config.required.contains(slot) {
            config.required.remove(slot);
            return Ok(());
        }
        self.steps += 1;
        match model.step(&config.state, &returned.op) {
            Some(state) => {
                config.state = state;
                Ok(())
            }
            None => Err(Blocked::Unreachable {
                op: Box::new(returned.op),
                states_before: self.states(model),
            }),
        }
    }

    /// The configurations one more linearized operation leads to. A read that can
    /// take effect is the only successor when there is one.
    fn successors<M: Model<State = S>>(&mut self, model: &M, config: &Config<S>) -> Vec<Config<S>> {
        let waiting = self
            .flight
            .iter()
            .enumerate()
            .filter_map(|(slot, f)| f.as_ref().map(|f| (slot, f)))
            .filter(|(slot, _)| {
                !config.required.contains(*slot) && !config.optional.contains(*slot)
            });
        let mut next = Vec::new();
        for (slot, flight) in waiting {
            self.steps += 1;
            let Some(state) = model.step(&config.state, &flight.op) else {
                continue;
            };
            let mut successor = Config {
                state,
                required: config.required.clone(),
                optional: config.optional.clone(),
            };
            if self.optional.contains(slot) {
                successor.optional.insert(slot);
            } else if flight.read_only {
                successor.required.insert(slot);
                return vec![successor];
            } else {
                successor.required.insert(slot);
            }
            next.push(successor);
        }
        next
    }

    /// The model states the configurations are in, each once, rendered.
    fn states<M: Model<State = S>>(&self, model: &M) -> Vec<String> {
        let mut states: Vec<String> = Vec::new();
        for config in &self.configs {
            let state = model.describe(&config.state);
            if !states.contains(&state) {
                states.push(state);
            }
        }
        states
    }
}

/// `reached` without the configurations another reached one makes redundant, in the
/// order they were reached.
fn least_committed<S: Clone + Eq + Hash>(reached: Vec<Config<S>>) -> Vec<Config<S>> {
    let mut met = Met::new();
    for config in &reached {
        met.insert(config);
    }
    // Distinct already: each had the returning slot, and none was queued twice.
    reached.into_iter().filter(|c| met.keeps(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(state: u32, optional: &[usize]) -> Config<u32> {
        let mut set = Slots::default();
        for &slot in optional {
            set.insert(slot);
        }
        Config {
            state,
            required: Slots::default(),
            optional: set,
        }
    }

    #[test]
    fn met_counts_each_new_place_once_past_its_scanned_list() {
        let mut met = Met::new();
        for state in 0..100 {
            assert!(met.insert(&config(state, &[])));
            assert!(!met.insert(&config(state, &[])), "met twice");
        }
        assert_eq!(met.len, 100);
        assert!(met.keeps(&config(7, &[])) && !met.keeps(&config(700, &[])));
    }

    #[test]
    fn fewer_optional_operations_make_more_redundant_in_both_orders() {
        for states in [1, 40] {
            let mut met = Met::new();
            for state in 1..states {
                met.insert(&config(state + 100, &[]));
            }
            assert!(met.insert(&config(1, &[3, 5])));
            assert!(met.insert(&config(1, &[3])), "less committed is new");
            assert!(!met.keeps(&config(1, &[3, 5])), "and supersedes");
            assert!(!met.insert(&config(1, &[3, 5, 6])));
            assert!(met.insert(&config(2, &[3, 5, 6])), "another state is apart");
        }
    }
}
