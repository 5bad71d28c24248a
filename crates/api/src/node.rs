//! A protocol's node as an enum of its roles, generated rather than written by hand.
//!
//! Every node of a run is one actor type, but a protocol usually has several roles (a
//! coordinator, participants, clients). [`node_roles!`](crate::node_roles) writes the
//! enum over them, an accessor per role (`as_client`) and the `Actor` impl that hands
//! each event to the role the node plays, so a protocol writes only its roles.
//!
//! A role is a type with `on_start(ctx)` and `on_message(ctx, from, msg)`, taking the
//! node's `Context`; it may have `on_timer(ctx, timer)` and `role()`. A role without
//! `on_timer` sets no timers, so a timer reaching it is a bug (a panic naming the
//! role); a role without `role()` claims no role.

use faultline_sim::actor::Role;
use faultline_sim::{Actor, Context};

/// What a role without `on_timer` does: it sets no timers, so it cannot receive one.
/// Every type has this; a role's own `on_timer` takes precedence (inherent methods
/// are found before trait methods), so the generated dispatch calls the role's own
/// where it has one.
pub trait NoTimers<N: Actor> {
    fn on_timer(&mut self, ctx: &mut Context<'_, N>, timer: N::Timer) {
        let _ = (ctx, timer);
        panic!(
            "a timer reached a {} node, which sets none",
            std::any::type_name::<Self>()
        );
    }
}

impl<T, N: Actor> NoTimers<N> for T {}

/// What a role without `role()` claims: nothing. As with [`NoTimers`], a role's own
/// `role()` takes precedence.
pub trait NoRole {
    fn role(&self) -> Option<Role> {
        None
    }
}

impl<T> NoRole for T {}

/// Declares a protocol's node: an enum over its roles (each boxed), `as_role`
/// accessors, and the `Actor` impl dispatching to the role a node plays.
///
/// ```ignore
/// faultline_api::node_roles! {
///     /// A node of a lock run.
///     #[derive(Clone, Debug)]
///     pub enum LockNode {
///         type Msg = Msg;
///         type Timer = Timer;
///         type Record = Record;
///         type Observation = ClientEvent;
///         Single(SingleServer) as as_single,
///         Redlock(RedlockServer),
///         Client(LockClient) as as_client,
///     }
/// }
/// ```
#[macro_export]
macro_rules! node_roles {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            type Msg = $msg:ty;
            type Timer = $timer:ty;
            type Record = $record:ty;
            type Observation = $observation:ty;
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) $(as $accessor:ident)? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant(::std::boxed::Box<$ty>), )+
        }

        impl $name {
            $($(
                #[doc = ::core::concat!(
                    "The ", ::core::stringify!($variant), " this node is, if it is one."
                )]
                pub fn $accessor(&self) -> ::core::option::Option<&$ty> {
                    #[allow(unreachable_patterns)]
                    match self {
                        $name::$variant(role) => ::core::option::Option::Some(role),
                        _ => ::core::option::Option::None,
                    }
                }
            )?)+
        }

        impl $crate::node::__sim::Actor for $name {
            type Msg = $msg;
            type Timer = $timer;
            type Record = $record;
            type Observation = $observation;

            fn on_start(&mut self, ctx: &mut $crate::node::__sim::Context<'_, Self>) {
                match self {
                    $( $name::$variant(role) => {
                        let role: &mut $ty = role;
                        role.on_start(ctx)
                    } )+
                }
            }

            fn on_message(
                &mut self,
                ctx: &mut $crate::node::__sim::Context<'_, Self>,
                from: $crate::node::__sim::NodeId,
                msg: $msg,
            ) {
                match self {
                    $( $name::$variant(role) => {
                        let role: &mut $ty = role;
                        role.on_message(ctx, from, msg)
                    } )+
                }
            }

            fn on_timer(
                &mut self,
                ctx: &mut $crate::node::__sim::Context<'_, Self>,
                timer: $timer,
            ) {
                #[allow(unused_imports)]
                use $crate::node::NoTimers as _;
                match self {
                    $( $name::$variant(role) => {
                        let role: &mut $ty = role;
                        role.on_timer(ctx, timer)
                    } )+
                }
            }

            fn role(&self) -> ::core::option::Option<$crate::node::__sim::actor::Role> {
                #[allow(unused_imports)]
                use $crate::node::NoRole as _;
                match self {
                    $( $name::$variant(role) => {
                        let role: &$ty = role;
                        role.role()
                    } )+
                }
            }
        }
    };
}

#[doc(hidden)]
pub use faultline_sim as __sim;
