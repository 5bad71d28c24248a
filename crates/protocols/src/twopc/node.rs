//! A node of a two-phase commit run: the coordinator (node 0), a participant
//! (nodes `1..servers`), or a bank client.

use crate::history::ClientEvent;
use crate::twopc::client::BankClient;
use crate::twopc::coordinator::Coordinator;
use crate::twopc::messages::{Msg, Record, Timer};
use crate::twopc::participant::Participant;
use faultline_sim::actor::Role;
use faultline_sim::{Actor, Context, NodeId};

#[derive(Clone, Debug)]
pub enum TwoPcNode {
    Coordinator(Box<Coordinator>),
    Participant(Box<Participant>),
    Client(BankClient),
}

impl TwoPcNode {
    pub fn as_coordinator(&self) -> Option<&Coordinator> {
        match self {
            TwoPcNode::Coordinator(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_participant(&self) -> Option<&Participant> {
        match self {
            TwoPcNode::Participant(p) => Some(p),
            _ => None,
        }
    }

    pub fn as_client(&self) -> Option<&BankClient> {
        match self {
            TwoPcNode::Client(c) => Some(c),
            _ => None,
        }
    }
}

impl Actor for TwoPcNode {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            TwoPcNode::Coordinator(c) => c.on_start(ctx),
            TwoPcNode::Participant(p) => p.on_start(ctx),
            TwoPcNode::Client(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            TwoPcNode::Coordinator(c) => c.on_message(ctx, from, msg),
            TwoPcNode::Participant(p) => p.on_message(ctx, msg),
            TwoPcNode::Client(c) => c.on_message(ctx, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Timer) {
        match self {
            TwoPcNode::Coordinator(c) => c.on_timer(ctx, timer),
            TwoPcNode::Participant(p) => p.on_timer(ctx, timer),
            TwoPcNode::Client(c) => c.on_timer(ctx, timer),
        }
    }

    /// The coordinator answers to the `leader` fault target: the one node whose
    /// failure blocks everyone, as a leader's does.
    fn role(&self) -> Option<Role> {
        self.as_coordinator().map(|_| Role {
            name: "leader",
            rank: 0,
        })
    }
}
