//! A user's own model, with operation names the built-in models do not know (a FIFO
//! queue with `enqueue` and `dequeue`), checked through `Box<dyn HistoryModel>` like a
//! built-in one; and `knows`, which tells a harness at the first event whether a model
//! accepts an operation.

use faultline_check::import::{parse, Format};
use faultline_check::{
    CheckOptions, CheckReport, EventKind, Func, History, HistoryBuilder, HistoryModel, Model,
    ModelKind, Op, Status, StreamLimits, Val, Verdict,
};
use serde_json::json;
use std::collections::VecDeque;

fn enqueue() -> Func {
    Func::named("enqueue")
}

fn dequeue() -> Func {
    Func::named("dequeue")
}

/// A FIFO queue of integers: `enqueue` adds its input at the back, `dequeue` returns
/// the front (nil when empty).
struct Queue;

/// A constant can spell a user's operation as `Func::Other`; histories below use
/// `Func::named`, which must give the same value.
const QUEUE_OPERATIONS: [Func; 2] = [Func::Other("enqueue"), Func::Other("dequeue")];

impl Queue {
    fn boxed() -> Box<dyn HistoryModel> {
        Box::new(Queue)
    }

    fn dequeue_step(queue: &VecDeque<i64>, op: &Op) -> Option<VecDeque<i64>> {
        let mut next = queue.clone();
        let front = next.pop_front().map_or(Val::Nil, Val::Int);
        (op.status == Status::Info || op.output == front).then_some(next)
    }
}

impl Model for Queue {
    type State = VecDeque<i64>;

    fn name(&self) -> &str {
        "queue"
    }

    fn operations(&self) -> &[Func] {
        &QUEUE_OPERATIONS
    }

    fn init(&self) -> Self::State {
        VecDeque::new()
    }

    fn step(&self, queue: &Self::State, op: &Op) -> Option<Self::State> {
        match (op.f, &op.input) {
            (Func::Other("enqueue"), Val::Int(value)) => {
                let mut next = queue.clone();
                next.push_back(*value);
                Some(next)
            }
            (Func::Other("dequeue"), _) => Queue::dequeue_step(queue, op),
            _ => None,
        }
    }
}

/// One operation by `process`, invoked and completed before the next one starts.
type Step = (u64, Func, Val, Val);

/// A history of operations that each complete before the next one is invoked.
fn sequential(steps: &[Step]) -> History {
    let mut history = History::new();
    for (process, f, input, output) in steps {
        history
            .invoke(*process, *f, None, input.clone(), 0)
            .unwrap();
        history
            .complete(*process, Status::Ok, output.clone(), 0)
            .unwrap();
    }
    history
}

/// The whole-history check, after asserting the streaming check gives a user's own
/// model the same verdict.
fn check_queue(history: &History) -> CheckReport {
    let report = Queue::boxed().check(history, &CheckOptions::default());
    let streamed = Queue::boxed()
        .check_stream(history, StreamLimits::default())
        .unwrap();
    assert_eq!(streamed.verdict, report.verdict, "as a stream: {streamed}");
    if let Some(c) = &report.counterexample {
        let v = streamed
            .violation
            .as_ref()
            .expect("the stream names the operation");
        assert_eq!((v.op.id, &v.states_before), (c.op.id, &c.states_before));
    }
    report
}

#[test]
fn concurrent_enqueues_may_dequeue_in_either_order() {
    let mut history = History::new();
    history.invoke(1, enqueue(), None, Val::Int(1), 0).unwrap();
    history.invoke(2, enqueue(), None, Val::Int(2), 0).unwrap();
    history.complete(1, Status::Ok, Val::Nil, 0).unwrap();
    history.complete(2, Status::Ok, Val::Nil, 0).unwrap();
    for value in [2, 1] {
        history.invoke(3, dequeue(), None, Val::Nil, 0).unwrap();
        history.complete(3, Status::Ok, Val::Int(value), 0).unwrap();
    }
    let report = check_queue(&history);
    assert_eq!(report.verdict, Verdict::Linearizable, "{report}");
    assert_eq!(report.model, "queue");
    assert_eq!(report.operations, 4);
}

#[test]
fn dequeuing_out_of_fifo_order_is_caught() {
    let history = sequential(&[
        (1, enqueue(), Val::Int(1), Val::Nil),
        (1, enqueue(), Val::Int(2), Val::Nil),
        (2, dequeue(), Val::Nil, Val::Int(2)),
    ]);
    let report = check_queue(&history);
    assert_eq!(report.verdict, Verdict::NotLinearizable, "{report}");
    let c = report.counterexample.as_ref().expect("a counterexample");
    assert_eq!((c.op.f, c.op.process), (dequeue(), 2));
    assert_eq!(c.longest_linearization.len(), 2, "both enqueues linearize");
    assert_eq!(c.states_before, vec!["[1, 2]".to_string()]);
    assert!(
        report
            .to_string()
            .contains("cannot linearize: #2 process 2 dequeue -> 2"),
        "{report}"
    );
}

#[test]
fn dequeuing_a_value_never_enqueued_is_caught() {
    let history = sequential(&[
        (1, enqueue(), Val::Int(1), Val::Nil),
        (2, dequeue(), Val::Nil, Val::Int(7)),
    ]);
    let report = check_queue(&history);
    assert_eq!(report.verdict, Verdict::NotLinearizable, "{report}");
    let c = report.counterexample.as_ref().expect("a counterexample");
    assert_eq!(c.op.output, Val::Int(7));
}

#[test]
fn a_model_knows_only_its_own_operations() {
    let register = ModelKind::Register.boxed();
    assert!(!register.knows(enqueue()));
    assert!(register.knows(Func::named("read")));
    let queue = Queue::boxed();
    assert!(queue.knows(enqueue()) && queue.knows(dequeue()));
    assert!(!queue.knows(Func::Read));
    assert!(!queue.knows(Func::named("peek")));
    assert!(Model::knows(&Queue, dequeue()));
}

#[test]
fn built_in_models_list_exactly_what_their_steps_accept() {
    use Func::*;
    let expected: [(ModelKind, &[Func]); 5] = [
        (ModelKind::Register, &[Read, Get, Write, Put]),
        (
            ModelKind::parse("cas-register").unwrap(),
            &[Read, Write, Cas],
        ),
        (ModelKind::Kv, &[Get, Put, Append]),
        (ModelKind::KvWhole, &[Get, Put, Append]),
        (ModelKind::Mutex, &[Acquire, Release]),
    ];
    for (kind, operations) in expected {
        let model = kind.boxed();
        assert_eq!(model.operations(), operations, "{}", kind.name());
        assert_eq!(model.name(), kind.name());
    }
}

#[test]
fn named_gives_built_ins_for_built_in_names_and_other_otherwise() {
    assert_eq!(Func::named("cas"), Func::Cas);
    assert_eq!(enqueue(), Func::Other("enqueue"));
    assert_eq!(enqueue().name(), "enqueue");
    assert_eq!(enqueue().to_string(), "enqueue");
    assert_eq!(Func::parse("enqueue"), None, "parse keeps to built-ins");
    assert_eq!(serde_json::to_string(&enqueue()).unwrap(), r#""enqueue""#);
    assert_eq!(serde_json::to_string(&Func::Get).unwrap(), r#""get""#);
}

#[test]
fn a_recorded_user_operation_is_written_by_name_but_not_imported() {
    let mut b = HistoryBuilder::new();
    b.invoke(1, enqueue(), None, json!(5)).unwrap();
    b.complete(1, EventKind::Ok, json!(null)).unwrap();
    let report = check_queue(b.history());
    assert_eq!(report.verdict, Verdict::Linearizable, "{report}");
    let text = b.to_jsonl();
    assert!(text.contains(r#""f":"enqueue""#), "{text}");
    let err = parse(&text, Format::Jsonl).unwrap_err();
    assert!(err.message.contains("unknown operation `enqueue`"), "{err}");
}
