//! The linearizability search for one partition: Wing & Gong's algorithm with Lowe's
//! just-in-time linearization and a memo of (linearized set, model state).
//!
//! Call and return events form a doubly linked list in history order. The search walks
//! it: at a call it tries to linearize that operation now (the model accepts it and
//! the (set, state) pair is new), lifting its call and return out of the list; at a
//! return whose operation is not yet linearized it backtracks. It succeeds when every
//! return has been passed, which means every completed operation was linearized.
//! `info` operations have no return entry: the search may linearize them anywhere after
//! their call, or end with them still pending (they never took effect).
//! A deterministic step budget turns a search that would run too long into `Unknown`.
//! After a write, a look-ahead ([`crate::look_ahead`]) stops the search from going on
//! when a pending read could no longer see what it saw.

use crate::history::{Func, Op, Status};
use crate::links::{Links, NIL};
use crate::look_ahead::LookAhead;
use crate::model::Model;
use crate::value::Val;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

/// How a partition's search ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchResult {
    Linearizable { steps: u64 },
    NotLinearizable { stuck: Stuck, steps: u64 },
    Unknown { steps: u64 },
}

impl SearchResult {
    /// How many search steps were taken.
    pub fn steps(&self) -> u64 {
        match self {
            SearchResult::Linearizable { steps }
            | SearchResult::NotLinearizable { steps, .. }
            | SearchResult::Unknown { steps } => *steps,
        }
    }
}

/// The deepest point the search reached before it had to give up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stuck {
    /// The completed operation (index into the partition) no linearization could reach.
    pub op: usize,
    /// The longest partial linearization found (indices into the partition).
    pub longest: Vec<usize>,
    /// Model states (rendered) reachable after that partial linearization.
    pub states: Vec<String>,
}

/// A call or return event in the search list.
#[derive(Clone, Copy)]
struct Entry {
    op: usize,
    is_call: bool,
}

/// The list of events, with O(1) lift and unlift of an operation's pair.
struct EventList {
    entries: Vec<Entry>,
    links: Links,
    /// For each op, its call and return entry positions.
    call_of: Vec<usize>,
    return_of: Vec<usize>,
    head: usize,
}

impl EventList {
    fn new(ops: &[Op]) -> Self {
        // (event position, is_return, op). A crashed (`info`) operation has no return
        // entry: nothing ever forces it to be linearized, so the search may end with
        // it still pending, which is "it never took effect".
        let mut order: Vec<(usize, bool, usize)> = Vec::with_capacity(ops.len() * 2);
        for (i, op) in ops.iter().enumerate() {
            order.push((op.call, false, i));
            if let Some(ret) = op.ret {
                order.push((ret, true, i));
            }
        }
        order.sort_unstable();
        let count = order.len() + 1; // slot 0 is the head sentinel
        let mut entries = vec![
            Entry {
                op: NIL,
                is_call: false
            };
            count
        ];
        let mut call_of = vec![0; ops.len()];
        let mut return_of = vec![NIL; ops.len()];
        for (slot, &(_, is_return, op)) in order.iter().enumerate() {
            entries[slot + 1] = Entry {
                op,
                is_call: !is_return,
            };
            if is_return {
                return_of[op] = slot + 1;
            } else {
                call_of[op] = slot + 1;
            }
        }
        EventList {
            entries,
            links: Links::chain(count),
            call_of,
            return_of,
            head: 0,
        }
    }

    /// Removes an operation's call and return (if it has one) from the list.
    fn lift(&mut self, op: usize) {
        self.links.unlink(self.call_of[op]);
        if self.return_of[op] != NIL {
            self.links.unlink(self.return_of[op]);
        }
    }

    /// Puts them back (in reverse order of removal).
    fn unlift(&mut self, op: usize) {
        if self.return_of[op] != NIL {
            self.links.relink(self.return_of[op]);
        }
        self.links.relink(self.call_of[op]);
    }

    fn first(&self) -> usize {
        self.links.next[self.head]
    }
}

/// A pass-through hasher for keys that carry their own well-mixed hash.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
}

type Fast = BuildHasherDefault<PreHashed>;

/// A memo key: a 96-bit fingerprint of the set of linearized operations (two
/// independent Zobrist hashes, so with a million entries a false match is about
/// 2^-56 likely) and the state's id. No allocation per probe, 16 bytes per entry.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Visited {
    set: u64,
    set_check: u32,
    state: u32,
}

impl Visited {
    fn new(set: SetHash, state: u32) -> Self {
        Visited {
            set: set.0,
            set_check: set.1,
            state,
        }
    }
}

impl Hash for Visited {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.set ^ u64::from(self.state).wrapping_mul(0xA076_1D64_78BD_642F));
    }
}

/// Two independent Zobrist hashes of a set of operations, updated by XOR.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct SetHash(u64, u32);

impl SetHash {
    fn toggle(self, op: usize) -> SetHash {
        SetHash(
            self.0 ^ zobrist(op as u64),
            self.1 ^ (zobrist(op as u64 ^ 0x5555_5555_5555_5555) >> 32) as u32,
        )
    }
}

/// Model states interned to small ids, with a memo of steps. Each state is stored
/// once (states can be long strings); the index maps a state's hash to the ids that
/// share it.
struct States<'m, M: Model> {
    model: &'m M,
    states: Vec<M::State>,
    ids: HashMap<u64, Vec<u32>, Fast>,
    /// (state, op) packed and mixed → next state, or `REJECTED`.
    steps: HashMap<u64, u32, Fast>,
}

const REJECTED: u32 = u32::MAX;

impl<'m, M: Model> States<'m, M> {
    fn intern(&mut self, state: M::State) -> u32 {
        let mut hasher = DefaultHasher::new();
        state.hash(&mut hasher);
        let bucket = self.ids.entry(hasher.finish()).or_default();
        if let Some(&id) = bucket.iter().find(|&&id| self.states[id as usize] == state) {
            return id;
        }
        let id = self.states.len() as u32;
        bucket.push(id);
        self.states.push(state);
        id
    }

    /// The state after `op` from state `from`, if the model accepts it.
    fn step(&mut self, from: u32, op: usize, ops: &[Op]) -> Option<u32> {
        let key = zobrist((u64::from(from) << 32) | op as u64);
        if let Some(&to) = self.steps.get(&key) {
            return (to != REJECTED).then_some(to);
        }
        let next = self.model.step(&self.states[from as usize], &ops[op]);
        let to = next.map_or(REJECTED, |s| self.intern(s));
        self.steps.insert(key, to);
        (to != REJECTED).then_some(to)
    }
}

/// Per-operation random keys for incremental hashing of the linearized set.
fn zobrist(op: u64) -> u64 {
    let mut z = op.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Identical crashed operations (same function, key and input, outcome unknown) are
/// interchangeable: both may take effect anywhere after their invocation, with the same
/// effect. Any linearization can be rearranged so they appear in invocation order, so
/// only the earliest-invoked unlinearized one of each kind is ever tried.
struct Twins {
    group: Vec<Option<usize>>,
    members: Vec<Vec<usize>>,
    next: Vec<usize>,
}

impl Twins {
    fn new(ops: &[Op]) -> Self {
        let mut groups: BTreeMap<(Func, Option<&str>, &Val), usize> = BTreeMap::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let group = ops
            .iter()
            .enumerate()
            .map(|(i, op)| {
                if op.status != Status::Info {
                    return None;
                }
                let key = (op.f, op.key.as_deref(), &op.input);
                let g = *groups.entry(key).or_insert_with(|| {
                    members.push(Vec::new());
                    members.len() - 1
                });
                members[g].push(i);
                Some(g)
            })
            .collect();
        let next = vec![0; members.len()];
        Twins {
            group,
            members,
            next,
        }
    }

    fn allowed(&self, op: usize) -> bool {
        self.group[op].is_none_or(|g| self.members[g][self.next[g]] == op)
    }

    fn take(&mut self, op: usize) {
        if let Some(g) = self.group[op] {
            self.next[g] += 1;
        }
    }

    fn give_back(&mut self, op: usize) {
        if let Some(g) = self.group[op] {
            self.next[g] -= 1;
        }
    }
}

/// One backtracking point.
struct Frame {
    op: usize,
    state_before: u32,
    /// A read linearized at once: no alternative needs trying here.
    forced: bool,
}

/// Limits of one search.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub steps_max: u64,
    pub memo_entries_max: usize,
    /// Use the model's look-ahead over pending reads. Off, the search is the classic
    /// one, whose counterexample blames the first operation that cannot be linearized
    /// in the plain sense (pruning can blame an earlier write whose effect a later read
    /// rules out).
    pub look_ahead: bool,
    /// No two writes wrote the same value: a read showing a write's token
    /// ([`Model::shown_tokens`]) orders the write (the check's
    /// `prune_unobserved_writes`).
    pub unique_values: bool,
}

/// Searches for a linearization of `ops` (one partition) under `model`.
pub fn search<M: Model>(model: &M, ops: &[Op], limits: Limits) -> SearchResult {
    let mut search = Search::new(model, ops, limits);
    let mut entry = search.list.first();
    let mut steps = 0u64;
    while entry != NIL {
        steps += 1;
        if steps > limits.steps_max {
            return SearchResult::Unknown { steps };
        }
        let Entry { op, is_call } = search.list.entries[entry];
        if is_call {
            entry = search.try_linearize(op, entry);
            continue;
        }
        // A return whose op is not linearized: undo the last choice.
        let Some(next) = search.backtrack(op) else {
            return SearchResult::NotLinearizable {
                stuck: search.deepest.finish(&search.states),
                steps,
            };
        };
        entry = next;
    }
    SearchResult::Linearizable { steps }
}

/// One partition's search in progress: the list still to walk, the current state and
/// linearized set, the choices made so far and the memo of pairs already tried.
struct Search<'a, M: Model> {
    model: &'a M,
    ops: &'a [Op],
    limits: Limits,
    list: EventList,
    states: States<'a, M>,
    state: u32,
    set_hash: SetHash,
    memo: HashSet<Visited, Fast>,
    frames: Vec<Frame>,
    deepest: Deepest,
    twins: Twins,
    look_ahead: Option<LookAhead>,
}

impl<'a, M: Model> Search<'a, M> {
    fn new(model: &'a M, ops: &'a [Op], limits: Limits) -> Self {
        let mut states = States {
            model,
            states: Vec::new(),
            ids: HashMap::default(),
            steps: HashMap::default(),
        };
        let state = states.intern(model.init());
        // A read leaves the state and the pending resets as they were, so only writes
        // need the look-ahead over pending reads.
        let look_ahead = (limits.look_ahead && model.prunes_by_reachability())
            .then(|| LookAhead::new(model, ops, limits.unique_values));
        Search {
            model,
            ops,
            limits,
            list: EventList::new(ops),
            states,
            state,
            set_hash: SetHash::default(),
            memo: HashSet::with_capacity_and_hasher(4_096, Fast::default()),
            frames: Vec::new(),
            deepest: Deepest::default(),
            twins: Twins::new(ops),
            look_ahead,
        }
    }

    /// At the call of `op` (list entry `entry`): linearizes `op` now when the model
    /// accepts it and the (set, state) pair is new, and returns the entry to visit next.
    #[inline]
    fn try_linearize(&mut self, op: usize, entry: usize) -> usize {
        let skip = self.list.links.next[entry];
        if !self.twins.allowed(op) {
            return skip;
        }
        let Some(next_state) = self.states.step(self.state, op, self.ops) else {
            return skip;
        };
        let candidate_hash = self.set_hash.toggle(op);
        if !self.memoise(Visited::new(candidate_hash, next_state)) {
            return skip;
        }
        // The look-ahead's answer depends only on the (set, state) pair just memoised,
        // so it runs once per pair: a pair it rejects stays in the memo as a dead end.
        let read_only = self.model.is_read_only(&self.ops[op]);
        let (model, ops, next) = (
            self.model,
            self.ops,
            &self.states.states[next_state as usize],
        );
        let unreachable = |ahead: &LookAhead| !ahead.all_reachable(model, ops, op, next);
        if !read_only && self.look_ahead.as_ref().is_some_and(unreachable) {
            return skip;
        }
        self.frames.push(Frame {
            op,
            state_before: self.state,
            forced: read_only,
        });
        self.twins.take(op);
        if let Some(ahead) = self.look_ahead.as_mut() {
            ahead.linearize(op);
        }
        self.set_hash = candidate_hash;
        self.state = next_state;
        self.list.lift(op);
        self.list.first()
    }

    /// Records `key` as tried; false when it was tried before. A full memo stops
    /// growing and only answers.
    #[inline]
    fn memoise(&mut self, key: Visited) -> bool {
        if self.memo.len() < self.limits.memo_entries_max {
            self.memo.insert(key)
        } else {
            !self.memo.contains(&key)
        }
    }

    /// At the return of `op`, not linearized: undoes choices back to the last one
    /// that can be made differently and returns the entry after its call, or `None`
    /// when no choice is left.
    #[inline]
    fn backtrack(&mut self, op: usize) -> Option<usize> {
        self.deepest.note(&self.frames, op, self.state);
        let undo = Undo {
            list: &mut self.list,
            set_hash: &mut self.set_hash,
            twins: &mut self.twins,
            look_ahead: self.look_ahead.as_mut(),
        };
        let frame = pop_to_choice(&mut self.frames, undo)?;
        self.state = frame.state_before;
        Some(self.list.links.next[self.list.call_of[frame.op]])
    }
}

/// What backtracking undoes besides the frames.
struct Undo<'a> {
    list: &'a mut EventList,
    set_hash: &'a mut SetHash,
    twins: &'a mut Twins,
    look_ahead: Option<&'a mut LookAhead>,
}

/// Pops frames until a real choice (not a forced read), undoing each; `None` when
/// the stack runs out. A forced read has no alternatives worth trying: if linearizing
/// it at once failed, nothing else at that point can succeed.
fn pop_to_choice(frames: &mut Vec<Frame>, mut undo: Undo<'_>) -> Option<Frame> {
    loop {
        let frame = frames.pop()?;
        undo.list.unlift(frame.op);
        undo.twins.give_back(frame.op);
        if let Some(ahead) = undo.look_ahead.as_deref_mut() {
            ahead.unlinearize(frame.op);
        }
        *undo.set_hash = undo.set_hash.toggle(frame.op);
        if !frame.forced {
            return Some(frame);
        }
    }
}

/// The deepest partial linearization seen, for the counterexample.
#[derive(Default)]
struct Deepest {
    depth: usize,
    stuck_op: usize,
    longest: Vec<usize>,
    states: Vec<u32>,
    seen: bool,
}

const STATES_SHOWN_MAX: usize = 8;

impl Deepest {
    fn note(&mut self, frames: &[Frame], op: usize, state: u32) {
        if !self.seen || frames.len() > self.depth {
            self.seen = true;
            self.depth = frames.len();
            self.stuck_op = op;
            self.longest = frames.iter().map(|f| f.op).collect();
            self.states = vec![state];
        } else if frames.len() == self.depth
            && op == self.stuck_op
            && !self.states.contains(&state)
            && self.states.len() < STATES_SHOWN_MAX
        {
            self.states.push(state);
        }
    }

    fn finish<M: Model>(self, states: &States<'_, M>) -> Stuck {
        let rendered = self
            .states
            .iter()
            .map(|&s| states.model.describe(&states.states[s as usize]));
        Stuck {
            op: self.stuck_op,
            longest: self.longest,
            states: rendered.collect(),
        }
    }
}
