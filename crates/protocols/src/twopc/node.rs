//! A node of a two-phase commit run: the coordinator (node 0), a participant
//! (nodes `1..servers`), or a bank client.

use crate::history::ClientEvent;
use crate::twopc::client::BankClient;
use crate::twopc::coordinator::Coordinator;
use crate::twopc::messages::{Msg, Record, Timer};
use crate::twopc::participant::Participant;

faultline_api::node_roles! {
    /// A two-phase commit run's node, by the role its index gives it.
    #[derive(Clone, Debug)]
    pub enum TwoPcNode {
        type Msg = Msg;
        type Timer = Timer;
        type Record = Record;
        type Observation = ClientEvent;
        Coordinator(Coordinator) as as_coordinator,
        Participant(Participant) as as_participant,
        Client(BankClient) as as_client,
    }
}
