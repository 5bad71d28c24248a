//! A protocol's options as one typed value with its defaults in one place.
//!
//! A protocol declares its options with [`protocol_options!`](crate::protocol_options):
//! a struct whose fields are the options, each with its type, its default and a doc
//! comment saying what it means. From that one declaration come the struct's
//! `Default`, the list of [`OptionInfo`] (`faultline list`, validation's known names,
//! the JSON Schema: each option's meaning, default and the values its type takes) and
//! [`Options::read`], which `build` uses to read a scenario's `protocol` object. No
//! default is written twice, so what the schema promises is what `build` reads.
//!
//! An option's type is anything [`OptionValue`]: `bool`, `u64`, `u32`, `String`,
//! `Option<T>` (absent or `null`: none), or a set of named choices declared with
//! [`option_choices!`](crate::option_choices).

use crate::protocol::SetupError;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The options a scenario's `protocol` object sets, by name (without `kind`, `nodes`).
pub type OptionMap = BTreeMap<String, Value>;

/// One protocol option a scenario may set.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionInfo {
    pub name: &'static str,
    /// What it means, for a person (the field's doc comment).
    pub meaning: String,
    /// Its default, as a scenario would write it.
    pub default: Value,
    /// The JSON Schema of the values it takes.
    pub schema: Value,
}

/// A protocol's options: a struct declared with
/// [`protocol_options!`](crate::protocol_options), or `()` for none.
pub trait Options: Default + Sized {
    /// Every option, in declaration order (a group's options where it is named).
    fn infos() -> Vec<OptionInfo>;
    /// The options `options` sets, each absent one at its default. Names this type
    /// does not know are left to validation, which refuses them first.
    fn read(options: &OptionMap) -> Result<Self, SetupError>;
}

impl Options for () {
    fn infos() -> Vec<OptionInfo> {
        Vec::new()
    }

    fn read(_options: &OptionMap) -> Result<Self, SetupError> {
        Ok(())
    }
}

/// A type an option can have: how a scenario writes it and what the schema says.
pub trait OptionValue: Sized {
    /// The JSON Schema of the values it takes.
    fn schema() -> Value;
    /// The value `json` writes, or what was expected instead.
    fn from_json(json: &Value) -> Result<Self, &'static str>;
    /// The value as a scenario writes it.
    fn to_json(&self) -> Value;
}

impl OptionValue for bool {
    fn schema() -> Value {
        json!({ "type": "boolean" })
    }

    fn from_json(json: &Value) -> Result<Self, &'static str> {
        json.as_bool().ok_or("true or false")
    }

    fn to_json(&self) -> Value {
        json!(self)
    }
}

impl OptionValue for u64 {
    fn schema() -> Value {
        json!({ "type": "integer", "minimum": 0 })
    }

    fn from_json(json: &Value) -> Result<Self, &'static str> {
        json.as_u64().ok_or("a non-negative integer")
    }

    fn to_json(&self) -> Value {
        json!(self)
    }
}

impl OptionValue for u32 {
    fn schema() -> Value {
        json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX })
    }

    fn from_json(json: &Value) -> Result<Self, &'static str> {
        let expected = "a non-negative integer of at most 4294967295";
        json.as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or(expected)
    }

    fn to_json(&self) -> Value {
        json!(self)
    }
}

impl OptionValue for String {
    fn schema() -> Value {
        json!({ "type": "string" })
    }

    fn from_json(json: &Value) -> Result<Self, &'static str> {
        json.as_str().map(str::to_string).ok_or("a string")
    }

    fn to_json(&self) -> Value {
        json!(self)
    }
}

/// Absent or `null`: none.
impl<T: OptionValue> OptionValue for Option<T> {
    fn schema() -> Value {
        json!({ "anyOf": [T::schema(), { "type": "null" }] })
    }

    fn from_json(json: &Value) -> Result<Self, &'static str> {
        match json {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }

    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_json)
    }
}

/// Option `name` from `options`, or `default` when absent; used by
/// [`protocol_options!`](crate::protocol_options).
pub fn read_one<T: OptionValue>(
    options: &OptionMap,
    name: &str,
    default: T,
) -> Result<T, SetupError> {
    match options.get(name) {
        None => Ok(default),
        Some(json) => T::from_json(json).map_err(|expected| SetupError::BadOption {
            name: name.to_string(),
            expected,
            found: json.to_string(),
        }),
    }
}

/// Joins a doc comment's lines (each `#[doc]` line, with its leading space) into one
/// line of text.
pub fn meaning(doc_lines: &[&str]) -> String {
    let words: Vec<&str> = doc_lines.iter().map(|line| line.trim()).collect();
    words.join(" ").trim().to_string()
}

/// Declares a protocol's options: a struct, its `Default` and its [`Options`].
///
/// ```
/// faultline_api::protocol_options! {
///     /// What my protocol reads from a scenario's `protocol` object.
///     pub struct MyOptions {
///         /// Resend an unanswered request after this long.
///         retry_ms: u64 = 100,
///         /// Ask a majority before answering a read.
///         quorum_reads: bool = true,
///     }
/// }
/// use faultline_api::options::Options;
/// let names: Vec<&str> = MyOptions::infos().iter().map(|o| o.name).collect();
/// assert_eq!(names, ["retry_ms", "quorum_reads"]);
/// assert_eq!(MyOptions::default().retry_ms, 100);
/// ```
///
/// Options shared by several protocols live in a struct of their own, named in
/// another's after its options as `..field: Type,` (its options are listed and read
/// as if declared there).
#[macro_export]
macro_rules! protocol_options {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $doc:literal])+
                $field:ident : $ty:ty = $default:expr,
            )*
            $(
                ..$group:ident : $group_ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        $vis struct $name {
            $( $(#[doc = $doc])+ pub $field: $ty, )*
            $( pub $group: $group_ty, )*
        }

        impl ::core::default::Default for $name {
            fn default() -> Self {
                $name {
                    $( $field: $default, )*
                    $( $group: <$group_ty as ::core::default::Default>::default(), )*
                }
            }
        }

        impl $crate::options::Options for $name {
            fn infos() -> ::std::vec::Vec<$crate::options::OptionInfo> {
                let defaults = <Self as ::core::default::Default>::default();
                #[allow(unused_mut)]
                let mut infos = ::std::vec![$(
                    $crate::options::OptionInfo {
                        name: ::core::stringify!($field),
                        meaning: $crate::options::meaning(&[$($doc),+]),
                        default: $crate::options::OptionValue::to_json(&defaults.$field),
                        schema: <$ty as $crate::options::OptionValue>::schema(),
                    },
                )*];
                $( infos.extend(<$group_ty as $crate::options::Options>::infos()); )*
                infos
            }

            fn read(
                options: &$crate::options::OptionMap,
            ) -> ::core::result::Result<Self, $crate::SetupError> {
                #[allow(unused_variables)]
                let defaults = <Self as ::core::default::Default>::default();
                ::core::result::Result::Ok($name {
                    $( $field: $crate::options::read_one(
                        options,
                        ::core::stringify!($field),
                        defaults.$field,
                    )?, )*
                    $( $group: <$group_ty as $crate::options::Options>::read(options)?, )*
                })
            }
        }
    };
}

/// Declares an option whose value is one of some named choices (written as strings).
///
/// ```
/// faultline_api::option_choices! {
///     /// How reads are served.
///     pub enum ReadMode { Leader = "leader", Any = "any" }
/// }
/// use faultline_api::options::OptionValue;
/// assert_eq!(ReadMode::from_json(&serde_json::json!("any")), Ok(ReadMode::Any));
/// ```
#[macro_export]
macro_rules! option_choices {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name { $( $(#[$vmeta])* $variant, )+ }

        impl $crate::options::OptionValue for $name {
            fn schema() -> $crate::options::Json {
                $crate::options::choices_schema(&[$($text),+])
            }

            fn from_json(
                json: &$crate::options::Json,
            ) -> ::core::result::Result<Self, &'static str> {
                use ::core::result::Result::{Err, Ok};
                match json.as_str() {
                    $( ::core::option::Option::Some($text) => Ok($name::$variant), )+
                    _ => Err(::core::concat!("one of", $(" \"", $text, "\""),+)),
                }
            }

            fn to_json(&self) -> $crate::options::Json {
                match self {
                    $( $name::$variant => $crate::options::Json::from($text), )+
                }
            }
        }
    };
}

/// `serde_json::Value`, for the macros.
pub type Json = Value;

/// The schema of a choice among `texts`.
pub fn choices_schema(texts: &[&str]) -> Value {
    json!({ "type": "string", "enum": texts })
}
