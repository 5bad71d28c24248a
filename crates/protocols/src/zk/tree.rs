//! The coordination service's state machine: a tree of znodes with sessions, one-shot
//! watches and sequence numbers, applied in log order on every replica.
//!
//! Paths are `parent/name`; a parent need not exist as a node. An ephemeral node
//! belongs to a session and goes when the session expires. A sequential node's name
//! gets the parent's next sequence number (10 digits), which only grows. A watch
//! (registered by `exists` or `get_children` with `watch`) fires once, on the next
//! change to its path (or its children), as a notification to the session's client.
//! Each session remembers its last operation's number and output, so a retried
//! request is answered as the first copy was and a stale one is ignored. Applying is
//! a pure function of the state and the command: what it returns is who to tell what,
//! which only the leader sends.

use crate::zk::ops::{SessionId, WatchEvent, ZkCommand, ZkOp, ZkOutput, ZkResponse, Zxid};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Bits of a session id that count the client's sessions; the client node is above.
pub const SESSION_BITS: u32 = 20;

/// The client node a session belongs to.
pub fn client_of(session: SessionId) -> u32 {
    (session >> SESSION_BITS) as u32
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Znode {
    /// The zxid that created it: the lock recipe's fencing token.
    pub czxid: Zxid,
    /// The session of an ephemeral node.
    pub owner: Option<SessionId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Session {
    /// The zxid of the last touch applied (or of the opening).
    pub last_touch: Zxid,
    pub last_seq: u64,
    pub last_output: Option<ZkOutput>,
}

/// Who to tell what, from applying one command.
pub type Notices = Vec<(u32, ZkResponse)>;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ZkMachine {
    pub nodes: BTreeMap<String, Znode>,
    pub sessions: BTreeMap<SessionId, Session>,
    pub expired: BTreeSet<SessionId>,
    /// Per parent, the next sequence number.
    pub next_seq: BTreeMap<String, u64>,
    watches: BTreeMap<String, BTreeSet<SessionId>>,
    child_watches: BTreeMap<String, BTreeSet<SessionId>>,
    /// The zxid of the last command applied.
    pub applied: Zxid,
}

impl ZkMachine {
    /// Applies the command at `zxid`.
    pub fn apply(&mut self, zxid: Zxid, command: &ZkCommand) -> Notices {
        self.applied = zxid;
        let mut notices = Vec::new();
        match command {
            ZkCommand::OpenSession { session, client } => {
                if !self.expired.contains(session) {
                    let fresh = Session {
                        last_touch: zxid,
                        last_seq: 0,
                        last_output: None,
                    };
                    self.sessions.entry(*session).or_insert(fresh);
                    let opened = ZkResponse::Opened { session: *session };
                    notices.push((*client, opened));
                } else {
                    notices.push((*client, ZkResponse::Expired { session: *session }));
                }
            }
            ZkCommand::Touch { session, sent_ns } => match self.sessions.get_mut(session) {
                Some(s) => {
                    s.last_touch = zxid;
                    let pong = ZkResponse::Pong {
                        session: *session,
                        sent_ns: *sent_ns,
                    };
                    notices.push((client_of(*session), pong));
                }
                None => notices.push(expired_notice(*session)),
            },
            ZkCommand::Expire {
                session,
                last_touch,
            } => {
                let current = self.sessions.get(session).map(|s| s.last_touch);
                if current == Some(*last_touch) {
                    notices = self.expire(*session);
                }
            }
            ZkCommand::Op { session, seq, op } => {
                notices = self.apply_op(zxid, *session, *seq, op);
            }
        }
        notices
    }

    fn apply_op(&mut self, zxid: Zxid, session: SessionId, seq: u64, op: &ZkOp) -> Notices {
        let Some(s) = self.sessions.get(&session) else {
            return vec![expired_notice(session)];
        };
        if seq < s.last_seq {
            return Vec::new(); // stale: the client has moved on
        }
        if seq == s.last_seq {
            let Some(output) = s.last_output.clone() else {
                return Vec::new();
            };
            let reply = ZkResponse::Reply {
                session,
                seq,
                output,
            };
            return vec![(client_of(session), reply)];
        }
        let mut notices = Vec::new();
        let output = self.run(zxid, session, op, &mut notices);
        let s = self.sessions.get_mut(&session).expect("checked above");
        s.last_seq = seq;
        s.last_output = Some(output.clone());
        let reply = ZkResponse::Reply {
            session,
            seq,
            output,
        };
        notices.push((client_of(session), reply));
        notices
    }

    fn run(
        &mut self,
        zxid: Zxid,
        session: SessionId,
        op: &ZkOp,
        notices: &mut Notices,
    ) -> ZkOutput {
        match op {
            ZkOp::Create {
                parent,
                name,
                ephemeral,
                sequential,
            } => {
                let mut name = name.clone();
                if *sequential {
                    let next = self.next_seq.entry(parent.clone()).or_insert(0);
                    name.push_str(&format!("{:010}", *next));
                    *next += 1;
                }
                let path = format!("{parent}/{name}");
                if self.nodes.contains_key(&path) {
                    return ZkOutput::NodeExists;
                }
                let owner = ephemeral.then_some(session);
                self.nodes
                    .insert(path.clone(), Znode { czxid: zxid, owner });
                self.fire(&path, WatchEvent::Created, notices);
                ZkOutput::Created { path, czxid: zxid }
            }
            ZkOp::Delete { path } => {
                if self.nodes.remove(path).is_none() {
                    return ZkOutput::NoNode;
                }
                self.fire(path, WatchEvent::Deleted, notices);
                ZkOutput::Deleted
            }
            ZkOp::GetChildren { parent, watch } => {
                if *watch {
                    let watchers = self.child_watches.entry(parent.clone()).or_default();
                    watchers.insert(session);
                }
                let children = self.children(parent);
                let prefix = format!("{parent}/");
                let with_zxid = children
                    .into_iter()
                    .map(|name| {
                        let czxid = self.nodes[&format!("{prefix}{name}")].czxid;
                        (name, czxid)
                    })
                    .collect();
                ZkOutput::Children(with_zxid)
            }
            ZkOp::Exists { path, watch } => {
                if *watch {
                    self.watches
                        .entry(path.clone())
                        .or_default()
                        .insert(session);
                }
                ZkOutput::Stat {
                    exists: self.nodes.contains_key(path),
                }
            }
        }
    }

    /// Ends a session: its ephemeral nodes go (firing their watches), its watches
    /// are dropped, and its client is told.
    pub fn expire(&mut self, session: SessionId) -> Notices {
        if self.sessions.remove(&session).is_none() {
            return Vec::new();
        }
        self.expired.insert(session);
        for watchers in self
            .watches
            .values_mut()
            .chain(self.child_watches.values_mut())
        {
            watchers.remove(&session);
        }
        let owned: Vec<String> = self
            .nodes
            .iter()
            .filter(|(_, node)| node.owner == Some(session))
            .map(|(path, _)| path.clone())
            .collect();
        let mut notices = vec![expired_notice(session)];
        for path in owned {
            self.nodes.remove(&path);
            self.fire(&path, WatchEvent::Deleted, &mut notices);
        }
        notices
    }

    /// Fires the watches on `path` and the child watches on its parent.
    fn fire(&mut self, path: &str, event: WatchEvent, notices: &mut Notices) {
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        let fired = [
            (path, event, self.watches.remove(path)),
            (
                parent,
                WatchEvent::ChildrenChanged,
                self.child_watches.remove(parent),
            ),
        ];
        for (path, event, watchers) in fired {
            for session in watchers.into_iter().flatten() {
                let watch = ZkResponse::Watch {
                    session,
                    path: path.to_string(),
                    event,
                };
                notices.push((client_of(session), watch));
            }
        }
    }

    /// The names of `parent`'s children, in name order.
    pub fn children(&self, parent: &str) -> Vec<String> {
        let prefix = format!("{parent}/");
        self.nodes
            .range(prefix.clone()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .map(|(path, _)| path[prefix.len()..].to_string())
            .filter(|name| !name.contains('/'))
            .collect()
    }

    /// The path of `parent`'s child with the lowest sequence number.
    pub fn lowest_child(&self, parent: &str) -> Option<String> {
        let children = self.children(parent);
        let lowest = children
            .iter()
            .min_by_key(|name| crate::zk::ops::sequence_of(name))?;
        Some(format!("{parent}/{lowest}"))
    }
}

fn expired_notice(session: SessionId) -> (u32, ZkResponse) {
    (client_of(session), ZkResponse::Expired { session })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(session: SessionId, seq: u64, op: ZkOp) -> ZkCommand {
        ZkCommand::Op { session, seq, op }
    }

    fn create(session: SessionId, seq: u64) -> ZkCommand {
        let create = ZkOp::Create {
            parent: "/lock".into(),
            name: "n-".into(),
            ephemeral: true,
            sequential: true,
        };
        op(session, seq, create)
    }

    #[test]
    fn sequential_ephemeral_nodes_go_with_their_session_and_fire_watches() {
        let (a, b) = (1 << SESSION_BITS, 2 << SESSION_BITS);
        let mut m = ZkMachine::default();
        m.apply(
            1,
            &ZkCommand::OpenSession {
                session: a,
                client: 1,
            },
        );
        m.apply(
            2,
            &ZkCommand::OpenSession {
                session: b,
                client: 2,
            },
        );
        m.apply(3, &create(a, 1));
        m.apply(4, &create(b, 1));
        assert_eq!(m.children("/lock"), vec!["n-0000000000", "n-0000000001"]);
        let exists = ZkOp::Exists {
            path: "/lock/n-0000000000".into(),
            watch: true,
        };
        m.apply(5, &op(b, 2, exists));
        // A retry of the same request is answered, not applied again.
        let again = m.apply(6, &create(a, 1));
        assert_eq!(m.children("/lock").len(), 2);
        assert!(matches!(again[0].1, ZkResponse::Reply { .. }));
        let notices = m.apply(
            7,
            &ZkCommand::Expire {
                session: a,
                last_touch: 1,
            },
        );
        assert_eq!(m.children("/lock"), vec!["n-0000000001"]);
        let to_b: Vec<_> = notices.iter().filter(|(c, _)| *c == 2).collect();
        assert_eq!(to_b.len(), 1, "{notices:?}");
        assert_eq!(
            m.lowest_child("/lock").as_deref(),
            Some("/lock/n-0000000001")
        );
    }

    #[test]
    fn a_touch_after_the_decision_voids_an_expiry() {
        let a = 1 << SESSION_BITS;
        let mut m = ZkMachine::default();
        m.apply(
            1,
            &ZkCommand::OpenSession {
                session: a,
                client: 1,
            },
        );
        m.apply(
            2,
            &ZkCommand::Touch {
                session: a,
                sent_ns: 5,
            },
        );
        m.apply(
            3,
            &ZkCommand::Expire {
                session: a,
                last_touch: 1,
            },
        );
        assert!(m.sessions.contains_key(&a));
    }
}
