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
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add_word(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
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
    fn equal_values_hash_equal_and_order_matters() {
        assert_eq!(hash_of(&(1u64, "ab")), hash_of(&(1u64, "ab")));
        assert_ne!(hash_of(&(1u64, 2u64)), hash_of(&(2u64, 1u64)));
        assert_ne!(hash_of(&"abc"), hash_of(&"abd"));
    }
}
