//! The safety property every protocol built on the shared key-value workload checks
//! (and the saga, whose services apply commands the same way): a command retried or
//! delivered twice still takes effect once.

use crate::property::Property;

pub const AT_MOST_ONCE: Property = Property::new(
    "at_most_once",
    "a command takes effect at most once, however often it is sent or retried",
);
