//! The running trace hash: a fast, seedless, platform-independent 64-bit hasher.
//!
//! Every event the World processes is folded into one of these, so two runs can be
//! compared for determinism by a single number without keeping the trace. It is not
//! a cryptographic hash; it only has to make accidental collisions unlikely.

use std::hash::Hasher;

const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// Word-at-a-time multiplicative hasher (in the style of FxHash, with a final mix).
#[derive(Clone, Debug, Default)]
pub struct TraceHasher {
    state: u64,
}

impl TraceHasher {
    pub fn new() -> Self {
        TraceHasher { state: 0 }
    }

    #[inline]
    fn add_word(&mut self, word: u64) {
        self.state = (self.state.rotate_left(23) ^ word).wrapping_mul(MULTIPLIER);
    }
}

/// The little-endian word of fewer than 8 bytes, zero above them: the same value as
/// copying them into a zeroed `[u8; 8]`, read in at most three fixed-size loads rather
/// than a copy of variable length (a `memcpy` call for every short string hashed).
#[inline]
fn short_le_word(bytes: &[u8]) -> u64 {
    debug_assert!(bytes.len() < 8);
    let mut word = 0u64;
    let mut at = 0;
    if bytes.len() >= 4 {
        word = u64::from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
        at = 4;
    }
    if bytes.len() - at >= 2 {
        let pair = u16::from_le_bytes([bytes[at], bytes[at + 1]]);
        word |= u64::from(pair) << (8 * at);
        at += 2;
    }
    if let Some(&last) = bytes.get(at) {
        word |= u64::from(last) << (8 * at);
    }
    word
}

impl Hasher for TraceHasher {
    #[inline]
    fn finish(&self) -> u64 {
        // Final avalanche (splitmix64) so nearby states give distant hashes.
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add_word(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add_word(short_le_word(rest) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add_word(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add_word(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add_word(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add_word(i as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    fn hash_of<T: Hash>(value: &T) -> u64 {
        let mut h = TraceHasher::new();
        value.hash(&mut h);
        h.finish()
    }

    #[test]
    fn a_short_tail_reads_as_zero_padded_little_endian() {
        let bytes = [0x11u8, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];
        for len in 0..bytes.len() {
            let mut padded = [0u8; 8];
            padded[..len].copy_from_slice(&bytes[..len]);
            assert_eq!(
                short_le_word(&bytes[..len]),
                u64::from_le_bytes(padded),
                "{len} bytes"
            );
        }
    }

    const PINNED_K1: u64 = 17_157_370_487_933_404_668;
    const PINNED_LONG: u64 = 10_158_389_271_609_974_903;

    /// Pinned: a change here changes every trace hash users have recorded.
    #[test]
    fn strings_hash_as_they_always_have() {
        assert_eq!(hash_of(&"k1"), PINNED_K1);
        assert_eq!(hash_of(&"a value of 15 b"), PINNED_LONG);
    }

    #[test]
    fn equal_values_hash_equal_and_order_matters() {
        assert_eq!(hash_of(&(1u64, "ab")), hash_of(&(1u64, "ab")));
        assert_ne!(hash_of(&(1u64, 2u64)), hash_of(&(2u64, 1u64)));
        assert_ne!(hash_of(&"abc"), hash_of(&"abd"));
    }
}
