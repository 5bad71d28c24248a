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
use faultline_sim::NodeId;
use std::rc::Rc;

faultline_api::node_roles! {
    /// A saga run's node, by the role its index gives it.
    #[derive(Clone, Debug)]
    pub enum SagaNode {
        type Msg = Msg;
        type Timer = Timer;
        type Record = Record;
        type Observation = ClientEvent;
        Orchestrator(Orchestrator) as as_orchestrator,
        Service(ServiceNode) as as_service,
        Customer(Customer) as as_customer,
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
