//! The demo's source of chance: SplitMix64 seeded by a record's kind and
//! position, so a demo record depends on nothing but where it is (not on the
//! machine, the time, or how many records of other kinds there are).

use super::super::kinds::Kind;

/// Deterministic random draws for one record.
pub struct Dice(u64);

impl Dice {
    /// The draws of record `index` of `kind`.
    pub fn new(kind: Kind, index: usize) -> Dice {
        let kind = (kind as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut dice = Dice(kind ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        dice.next();
        dice
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % n as u64) as usize
    }

    /// One of `items` (not empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// One of `items` with the chance of its weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total as usize) as u32;
        for (item, weight) in items {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }

    /// `true` with a chance of `percent` in 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_only_on_kind_and_position() {
        let draws = |kind, index| {
            let mut d = Dice::new(kind, index);
            [d.next(), d.next()]
        };
        assert_eq!(draws(Kind::Leads, 7), draws(Kind::Leads, 7));
        assert_ne!(draws(Kind::Leads, 7), draws(Kind::Leads, 8));
        assert_ne!(draws(Kind::Leads, 7), draws(Kind::Deals, 7));
        // Fixed for good: demo portals stay the same across versions.
        assert_eq!(Dice::new(Kind::Departments, 0).below(1000), 898);
    }
}
