//! A node of a saga run, as one actor type: the orchestrator (node 0), one of the
//! three services (nodes 1 to 3), or a customer (the client nodes after them).

use crate::history::ClientEvent;
use crate::plan::Plan;
use crate::protocol::Workload;
use crate::saga::config::{SagaConfig, ORCHESTRATOR, SERVERS};
use crate::saga::customer::Customer;
use crate::saga::messages::{Msg, Record, Service, Timer};
use crate::saga::orchestrator::Orchestrator;
use crate::saga::script::order_op;
use crate::saga::service::ServiceNode;
use faultline_sim::actor::Role;
use faultline_sim::{Actor, Context, NodeId};
use std::rc::Rc;

#[derive(Clone, Debug)]
pub enum SagaNode {
    Orchestrator(Box<Orchestrator>),
    Service(Box<ServiceNode>),
    Customer(Box<Customer>),
}

impl SagaNode {
    pub fn as_orchestrator(&self) -> Option<&Orchestrator> {
        match self {
            SagaNode::Orchestrator(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_service(&self) -> Option<&ServiceNode> {
        match self {
            SagaNode::Service(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_customer(&self) -> Option<&Customer> {
        match self {
            SagaNode::Customer(c) => Some(c),
            _ => None,
        }
    }
}

impl Actor for SagaNode {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            SagaNode::Orchestrator(o) => o.on_start(ctx),
            SagaNode::Service(s) => s.on_start(ctx),
            SagaNode::Customer(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match (self, msg) {
            (SagaNode::Orchestrator(o), msg) => o.on_message(ctx, from, msg),
            (SagaNode::Service(s), Msg::Command(command)) => s.on_command(ctx, command),
            (SagaNode::Service(_), _) => {}
            (SagaNode::Customer(c), msg) => c.on_message(ctx, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Timer) {
        match self {
            SagaNode::Orchestrator(o) => o.on_timer(ctx, timer),
            SagaNode::Service(_) => {}
            SagaNode::Customer(c) => c.on_timer(ctx, timer),
        }
    }

    fn role(&self) -> Option<Role> {
        self.as_orchestrator().and_then(Orchestrator::role)
    }
}

/// Builds node `id` fresh: a server by its fixed role, or a customer with its share
/// of the workload.
pub fn node_factory(
    config: Rc<SagaConfig>,
    workload: Workload,
) -> Box<dyn FnMut(NodeId) -> SagaNode> {
    Box::new(move |id| {
        if id == ORCHESTRATOR {
            return SagaNode::Orchestrator(Box::new(Orchestrator::new(config.clone())));
        }
        if let Some(service) = Service::at(id) {
            return SagaNode::Service(Box::new(ServiceNode::new(service, config.clone())));
        }
        let plan = Plan::for_client(&workload, id.index() - SERVERS, order_op);
        SagaNode::Customer(Box::new(Customer::new(id, config.clone(), plan)))
    })
}
