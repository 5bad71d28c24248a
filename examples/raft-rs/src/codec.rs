//! The bytes the adapter hands raft-rs: a client command becomes an entry's `data`,
//! the key-value store a snapshot's `data`. raft-rs treats both as opaque, so the
//! adapter owns their format: little-endian `u64`s and length-prefixed strings, with
//! decoding that returns `None` on anything malformed instead of panicking.

use crate::api::{Command, KvOp, KvOutput};

/// Appends fields to a byte buffer.
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    pub fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    pub fn str(&mut self, value: &str) {
        self.u64(value.len() as u64);
        self.0.extend_from_slice(value.as_bytes());
    }
}

/// Reads fields back in the order they were written.
pub struct Reader<'a>(pub &'a [u8]);

impl Reader<'_> {
    pub fn u64(&mut self) -> Option<u64> {
        let (head, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        Some(u64::from_le_bytes(*head))
    }

    pub fn str(&mut self) -> Option<String> {
        let len = usize::try_from(self.u64()?).ok()?;
        if len > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8(head.to_vec()).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A client command as an entry's data.
pub fn encode_command(command: &Command) -> Vec<u8> {
    let mut w = Writer::default();
    w.u64(command.client);
    w.u64(command.seq);
    match &command.op {
        KvOp::Get { key } => {
            w.u64(0);
            w.str(key);
        }
        KvOp::Put { key, value } | KvOp::Append { key, value } => {
            w.u64(if matches!(command.op, KvOp::Put { .. }) {
                1
            } else {
                2
            });
            w.str(key);
            w.str(value);
        }
    }
    w.0
}

/// The command an entry's data holds; `None` if it is not one.
pub fn decode_command(data: &[u8]) -> Option<Command> {
    let mut r = Reader(data);
    let client = r.u64()?;
    let seq = r.u64()?;
    let op = match r.u64()? {
        0 => KvOp::Get {
            key: r.str()?.into(),
        },
        1 => KvOp::Put {
            key: r.str()?.into(),
            value: r.str()?.into(),
        },
        2 => KvOp::Append {
            key: r.str()?.into(),
            value: r.str()?.into(),
        },
        _ => return None,
    };
    r.is_empty().then_some(Command { client, seq, op })
}

pub fn write_output(w: &mut Writer, output: &KvOutput) {
    match output {
        KvOutput::Done => w.u64(0),
        KvOutput::Value(value) => {
            w.u64(1);
            w.str(value);
        }
    }
}

pub fn read_output(r: &mut Reader<'_>) -> Option<KvOutput> {
    match r.u64()? {
        0 => Some(KvOutput::Done),
        1 => Some(KvOutput::Value(r.str()?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_and_garbage_is_refused() {
        let ops = [
            KvOp::Get { key: "k0".into() },
            KvOp::Put {
                key: "k1".into(),
                value: "<3.1>".into(),
            },
            KvOp::Append {
                key: "k2".into(),
                value: "".into(),
            },
        ];
        for (seq, op) in ops.into_iter().enumerate() {
            let command = Command {
                client: 7,
                seq: seq as u64,
                op,
            };
            assert_eq!(decode_command(&encode_command(&command)), Some(command));
        }
        assert_eq!(decode_command(&[]), None);
        assert_eq!(decode_command(&[1, 2, 3]), None);
        let mut long = encode_command(&Command {
            client: 1,
            seq: 1,
            op: KvOp::Get { key: "k".into() },
        });
        long.push(0);
        assert_eq!(decode_command(&long), None);
    }
}
