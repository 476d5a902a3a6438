//! `exp` and `ln` for the distributions' draws (`{lognormal}`, `{zipf}`),
//! inlined into them, in place of libm's.
//!
//! libm's `exp` and `log1p` were a quarter of what a lineitem record cost
//! after its columns were compiled (bench/lineitem.md): a call through the
//! PLT, glibc's wrapper that sets `errno`, and the general cases. These
//! are the same table-driven methods without the call: `exp` as ARM's
//! optimized-routines `exp` (Szabolcs Nagy; glibc's since 2.28): 2^(j/128)
//! from a table times a degree-5 polynomial, and `ln` as Tang's method
//! ("Table-driven implementation of the logarithm function in IEEE
//! floating-point arithmetic", ACM TOMS 16(4), 1990): ln(c) from a table
//! for the nearest of 128 centres c, plus ln(1 + r) for the small rest r.
//! Both are within about one unit in the last place of libm's (tested
//! below), which is below anything a value with at most nine decimals can
//! show, but not always bit-equal: a draw that lands on the rounding edge
//! of its last decimal may differ from what libm gave. Arguments out of
//! their fast range (huge, tiny, infinite, NaN) go to libm.
//!
//! The tables are built once, from libm, and the distributions hold a
//! reference to them, so a draw does not test whether they exist.

use std::cmp::Ordering;
use std::sync::OnceLock;

/// Entries of each table: 2^7, as both methods use.
const N: usize = 128;

#[derive(Debug)]
pub struct Tables {
    /// Bits of 2^(j/N) less j << 45, so that adding `k·N + j` shifted by
    /// 45 makes 2^(k + j/N) in one integer add.
    exp2_bits: [u64; N],
    /// For each of the N sub-intervals of [0.6875, 1.375): its centre c
    /// (1 for the two that meet there), 1/c and ln(c).
    centre: [f64; N],
    inverse: [f64; N],
    ln_centre: [f64; N],
}

/// Where `ln`'s mantissa range starts: 0.6875, so that a value near 1
/// falls in the middle of it and its logarithm is not a difference of two
/// large ones.
const LN_OFFSET: u64 = 0x3fe6_0000_0000_0000;

// ln 2 split so that k × LN2_HI is exact for any exponent k.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fefa_3800);
const LN2_LO: f64 = f64::from_bits(0x3d2e_f357_93c7_6730);

pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut tables = Tables {
            exp2_bits: [0; N],
            centre: [0.0; N],
            inverse: [0.0; N],
            ln_centre: [0.0; N],
        };
        for j in 0..N {
            let value = (j as f64 / N as f64).exp2();
            tables.exp2_bits[j] = value.to_bits().wrapping_sub((j as u64) << 45);
            let low = f64::from_bits(LN_OFFSET + ((j as u64) << 45));
            let high = f64::from_bits(LN_OFFSET + ((j as u64 + 1) << 45));
            // The midpoint has one bit more than its ends: exact, and
            // z - centre is exact for every z in the sub-interval
            // (Sterbenz). The two sub-intervals either side of 1 take 1
            // itself, whose logarithm is exactly 0: near 1, ln(x) is then
            // the series alone, with no rounded ln(centre) to cancel.
            let centre = if low == 1.0 || high == 1.0 {
                1.0
            } else {
                (low + high) / 2.0
            };
            tables.centre[j] = centre;
            tables.inverse[j] = 1.0 / centre;
            tables.ln_centre[j] = centre.ln();
        }
        tables
    })
}

impl Tables {
    /// e^x.
    #[inline(always)]
    pub fn exp(&self, x: f64) -> f64 {
        // Beyond ±704, e^x is near or past the limits of f64 (and NaN
        // fails the test too): libm's cases.
        if x.abs().partial_cmp(&704.0) != Some(Ordering::Less) {
            return x.exp();
        }
        // ARM optimized-routines' constants for N = 128 (exp_data.c):
        // x = (k·N + j) ln2/N + r, |r| <= ln2/256.
        const INV_LN2_N: f64 = f64::from_bits(0x4067_1547_652b_82fe);
        const SHIFT: f64 = f64::from_bits(0x4338_0000_0000_0000);
        const NEG_LN2_HI_N: f64 = f64::from_bits(0xbf76_2e42_fefa_0000);
        const NEG_LN2_LO_N: f64 = f64::from_bits(0xbd0c_f79a_bc9e_3b3a);
        const C2: f64 = f64::from_bits(0x3fdf_ffff_ffff_fdbd);
        const C3: f64 = f64::from_bits(0x3fc5_5555_5555_543c);
        const C4: f64 = f64::from_bits(0x3fa5_5555_cf17_2b91);
        const C5: f64 = f64::from_bits(0x3f81_1111_67a4_d017);
        // Round x·N/ln2 to an integer by adding 1.5 × 2^52: its low bits
        // are then k·N + j.
        let shifted = x * INV_LN2_N + SHIFT;
        let ki = shifted.to_bits();
        let kd = shifted - SHIFT;
        let r = x + kd * NEG_LN2_HI_N + kd * NEG_LN2_LO_N;
        let scale =
            f64::from_bits(self.exp2_bits[(ki as usize) % N].wrapping_add(ki.wrapping_shl(45)));
        let r2 = r * r;
        let poly = r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
        scale + scale * poly
    }

    /// ln(x) for x > 0.
    #[inline(always)]
    pub fn ln(&self, x: f64) -> f64 {
        let bits = x.to_bits();
        // Zero, subnormals, negatives, infinities and NaN: libm's cases.
        if bits.wrapping_sub(0x0010_0000_0000_0000) >= 0x7fe0_0000_0000_0000 {
            return x.ln();
        }
        // x = 2^k × z with z in [0.6875, 1.375), in sub-interval j.
        let from_offset = bits.wrapping_sub(LN_OFFSET);
        let j = ((from_offset >> 45) as usize) % N;
        let k = ((from_offset as i64) >> 52) as f64;
        let z = f64::from_bits(bits.wrapping_sub(from_offset & (0xfff << 52)));
        // |r| <= 2^-7 (2^-8 but next to 1): eight terms of ln(1 + r)
        // leave under 2^-66 r.
        let r = (z - self.centre[j]) * self.inverse[j];
        let r2 = r * r;
        let tail = r2
            * (-0.5
                + r * (1.0 / 3.0)
                + r2 * (-0.25 + r * 0.2 + r2 * (-1.0 / 6.0 + r * (1.0 / 7.0) + r2 * -0.125)));
        k * LN2_HI + self.ln_centre[j] + (r + (tail + k * LN2_LO))
    }

    /// ln(1 + x) for x > -1, accurate near 0: 1 + x is rounded, and the
    /// rounding's error (exact, by Dekker's fast two-sum when |x| < 1, and
    /// negligible past) is put back as its first-order effect.
    #[inline(always)]
    pub fn ln_1p(&self, x: f64) -> f64 {
        let w = 1.0 + x;
        let lost = if x.abs() < 1.0 {
            (x - (w - 1.0)) / w
        } else {
            0.0
        };
        self.ln(w) + lost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place.
    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64).abs_diff(b.to_bits() as i64)
    }

    /// Deterministic points spread over [lo, hi).
    fn points(lo: f64, hi: f64) -> impl Iterator<Item = f64> {
        let mut state = 1u64;
        (0..200_000).map(move |_| {
            state = crate::language::seeded::mix(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
            lo + (hi - lo) * ((state >> 11) as f64 / (1u64 << 53) as f64)
        })
    }

    #[test]
    fn exp_is_within_two_ulps_of_libm() {
        let tables = tables();
        for (lo, hi) in [(-700.0, 700.0), (-1.0, 1.0), (-1e-6, 1e-6), (5.0, 20.0)] {
            for x in points(lo, hi) {
                let (got, want) = (tables.exp(x), x.exp());
                assert!(ulps(got, want) <= 2, "exp({x}): {got} against {want}");
            }
        }
        assert_eq!(tables.exp(0.0), 1.0);
        assert_eq!(tables.exp(800.0), f64::INFINITY);
        assert_eq!(tables.exp(-800.0), 0.0);
        assert_eq!(tables.exp(f64::NEG_INFINITY), 0.0);
        assert!(tables.exp(f64::NAN).is_nan());
    }

    #[test]
    fn ln_is_within_two_ulps_of_libm() {
        let tables = tables();
        for (lo, hi) in [(1e-300, 1e-290), (0.5, 2.0), (0.999, 1.001), (1.0, 1e15)] {
            for x in points(lo, hi) {
                let (got, want) = (tables.ln(x), x.ln());
                assert!(ulps(got, want) <= 2, "ln({x}): {got} against {want}");
            }
        }
        assert_eq!(tables.ln(1.0), 0.0);
        assert_eq!(tables.ln(0.0), f64::NEG_INFINITY);
        assert!(tables.ln(-1.0).is_nan());
        assert_eq!(tables.ln(f64::INFINITY), f64::INFINITY);
    }

    #[test]
    fn ln_1p_is_close_to_libm_near_zero_and_far() {
        let tables = tables();
        for (lo, hi) in [(-0.999, 0.999), (-1e-6, 1e-6), (1.0, 1e6)] {
            for x in points(lo, hi) {
                let (got, want) = (tables.ln_1p(x), x.ln_1p());
                assert!(
                    (got - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
                    "ln_1p({x}): {got} against {want}"
                );
            }
        }
        assert_eq!(tables.ln_1p(-1.0), f64::NEG_INFINITY);
    }
}
