//! Numbers that are not uniform: `{normal:MEAN:SD}`, `{lognormal:MU:SIGMA}`
//! and `{exp:MEAN}`, each with DIGITS as `{float}` has them (`{zipf:N:S}`
//! is in `zipf.rs`).
//!
//! Each draw is an exact method fed by the record's seeded stream, so a
//! value is a function of (seed, record) like every other field: the normal
//! by Doornik's ziggurat ("An Improved Ziggurat Method to Generate Normal
//! Random Samples", 2005: Marsaglia & Tsang's method with independent
//! layer and value bits), which takes one 64-bit draw and no logarithm 99 %
//! of the time (Box–Muller's log, sqrt and cos made a `{normal}` column
//! cost as much as five `{int}` ones); the lognormal as `exp` of it; the
//! exponential by inversion. Their `exp` and `ln` are `exp_log.rs`'s,
//! inlined, not libm's.

use std::sync::OnceLock;

use super::exp_log::{Tables, tables};
use crate::language::sequence::RecordRng;

/// Largest magnitude a scaled value may take: beyond it `f64` no longer
/// holds every integer, and `{float}` refuses such bounds too.
const LIMIT: f64 = 9e15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `{normal:MEAN:SD}`
    Normal,
    /// `{lognormal:MU:SIGMA}`: `exp` of a normal with that mean and SD.
    Lognormal,
    /// `{exp:MEAN}`
    Exp,
}

/// A continuous distribution, written as a decimal with `digits` decimals.
#[derive(Debug, Clone)]
pub struct Dist {
    pub shape: Shape,
    /// MEAN, MU or MEAN.
    pub a: f64,
    /// SD, SIGMA; unused for `exp`.
    pub b: f64,
    pub digits: u32,
    /// 10^digits.
    scale: f64,
    /// The normal's layers and the `exp` and `ln` of the draws (inlined,
    /// `exp_log.rs`), held so that a draw does not ask whether they exist.
    zig: &'static Ziggurat,
    math: &'static Tables,
}

// By bits: the parameters come from text and are never NaN.
impl PartialEq for Dist {
    fn eq(&self, other: &Dist) -> bool {
        self.shape == other.shape
            && self.a.to_bits() == other.a.to_bits()
            && self.b.to_bits() == other.b.to_bits()
            && self.digits == other.digits
    }
}

impl Eq for Dist {}

pub(super) fn parameter(text: &str, what: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(format!("`{text}` is not {what}")),
    }
}

impl Dist {
    /// `MEAN:SD[:DIGITS]`, `MU:SIGMA[:DIGITS]` or `MEAN[:DIGITS]`.
    pub(super) fn parse(shape: Shape, name: &str, args: Option<&str>) -> Result<Dist, String> {
        let example = match shape {
            Shape::Normal => "{normal:100:15:2}",
            Shape::Lognormal => "{lognormal:3:0.5:2}",
            Shape::Exp => "{exp:10:2}",
        };
        let usage = || format!("`{{{name}}}` needs its parameters, as in `{example}`");
        let parts: Vec<&str> = args.ok_or_else(usage)?.split(':').collect();
        let wanted = if shape == Shape::Exp { 1 } else { 2 };
        if parts.len() < wanted || parts.len() > wanted + 1 {
            return Err(usage());
        }
        let a = parameter(parts[0], "a number")?;
        let b = match shape {
            Shape::Exp => 0.0,
            _ => parameter(parts[1], "a number")?,
        };
        let digits = match parts.get(wanted) {
            Some(digits) => digits
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("`{digits}` is not a number of digits"))?,
            None => 2,
        };
        if digits > 9 {
            return Err(format!("{digits} digits is too many: use 0 to 9"));
        }
        match shape {
            Shape::Normal | Shape::Lognormal if b < 0.0 => {
                return Err(format!("the spread `{}` is negative", parts[1].trim()));
            }
            Shape::Exp if a <= 0.0 => {
                return Err(format!("the mean `{}` must be above 0", parts[0].trim()));
            }
            _ => {}
        }
        Ok(Dist {
            shape,
            a,
            b,
            digits,
            scale: 10f64.powi(digits as i32),
            zig: ziggurat(),
            math: tables(),
        })
    }

    /// One draw, as an integer count of 10^-digits, clamped to what the
    /// decimal writer holds exactly.
    #[inline]
    pub(super) fn draw_scaled(&self, rng: &mut RecordRng) -> i64 {
        let value = match self.shape {
            Shape::Normal => self.a + self.b * standard_normal(self.zig, rng),
            Shape::Lognormal => self
                .math
                .exp(self.a + self.b * standard_normal(self.zig, rng)),
            // Inversion: -MEAN × ln U, U in (0, 1].
            Shape::Exp => -self.a * self.math.ln(rng.open_unit()),
        };
        // Half away from zero, as `f64::round`, without its call into libm
        // (the baseline x86-64 target has no SSE4.1 `roundsd`).
        let scaled = (value * self.scale).clamp(-LIMIT, LIMIT);
        (scaled + 0.5f64.copysign(scaled)) as i64
    }
}

/// Layers of the ziggurat, and where its base layer's tail starts
/// (Doornik's ZIGNOR constants for 128 layers: R and the common area V).
const LAYERS: usize = 128;
const ZIG_R: f64 = 3.442619855899;
const ZIG_V: f64 = 9.91256303526217e-3;

/// The layers' right edges `x` and the share `ratio[i] = x[i+1] / x[i]` of
/// layer i that lies wholly under the curve.
#[derive(Debug)]
struct Ziggurat {
    x: [f64; LAYERS + 1],
    ratio: [f64; LAYERS],
}

fn ziggurat() -> &'static Ziggurat {
    static TABLES: OnceLock<Ziggurat> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; LAYERS + 1];
        let mut f = (-0.5 * ZIG_R * ZIG_R).exp();
        x[0] = ZIG_V / f; // the base layer: rectangle plus tail, as wide
        x[1] = ZIG_R;
        for i in 2..LAYERS {
            x[i] = (-2.0 * (ZIG_V / x[i - 1] + f).ln()).sqrt();
            f = (-0.5 * x[i] * x[i]).exp();
        }
        let mut ratio = [0.0; LAYERS];
        for i in 0..LAYERS {
            ratio[i] = x[i + 1] / x[i];
        }
        Ziggurat { x, ratio }
    })
}

/// A uniform in [0, 1) from 53 bits.
#[inline]
pub(super) fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// One standard normal (Doornik's `DRanNormalZig`): a layer from the low
/// 7 bits and a signed position in it from the top 53 of one draw.
#[inline]
fn standard_normal(zig: &Ziggurat, rng: &mut RecordRng) -> f64 {
    loop {
        let bits = rng.next_u64();
        let layer = (bits & (LAYERS as u64 - 1)) as usize;
        let u = 2.0 * unit(bits) - 1.0;
        // Inside the part of the layer wholly under the curve: 99 %.
        if u.abs() < zig.ratio[layer] {
            return u * zig.x[layer];
        }
        if layer == 0 {
            return normal_tail(rng, u < 0.0);
        }
        // The wedge: accept under the curve between the layer's edges.
        let x = u * zig.x[layer];
        let f0 = (-0.5 * (zig.x[layer] * zig.x[layer] - x * x)).exp();
        let f1 = (-0.5 * (zig.x[layer + 1] * zig.x[layer + 1] - x * x)).exp();
        if f1 + unit(rng.next_u64()) * (f0 - f1) < 1.0 {
            return x;
        }
    }
}

/// Beyond R, by Marsaglia's tail method (1964).
fn normal_tail(rng: &mut RecordRng, negative: bool) -> f64 {
    loop {
        let x = rng.open_unit().ln() / ZIG_R;
        let y = rng.open_unit().ln();
        if -2.0 * y >= x * x {
            return if negative { x - ZIG_R } else { ZIG_R - x };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(dist: &Dist, count: u64) -> Vec<f64> {
        let scale = 10f64.powi(dist.digits as i32);
        (0..count)
            .map(|i| dist.draw_scaled(&mut RecordRng::for_record(11, i)) as f64 / scale)
            .collect()
    }

    fn mean_sd(values: &[f64]) -> (f64, f64) {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        (mean, var.sqrt())
    }

    #[test]
    fn normal_has_its_mean_and_spread() {
        let dist = Dist::parse(Shape::Normal, "normal", Some("100:15:3")).unwrap();
        let values = draws(&dist, 100_000);
        let (mean, sd) = mean_sd(&values);
        assert!((mean - 100.0).abs() < 0.3, "{mean}");
        assert!((sd - 15.0).abs() < 0.3, "{sd}");
        // About 68 % within one SD, 95 % within two.
        let within = |k: f64| {
            values
                .iter()
                .filter(|v| (*v - 100.0).abs() < k * 15.0)
                .count()
        };
        assert!((67_000..69_500).contains(&within(1.0)), "{}", within(1.0));
        assert!((94_500..95_900).contains(&within(2.0)), "{}", within(2.0));
    }

    #[test]
    fn normal_tails_are_as_thin_as_they_should_be() {
        // Beyond 3 SD: 0.27 % of draws; beyond R (3.44 SD, the ziggurat's
        // own tail method): 0.058 %. Both signs alike.
        let dist = Dist::parse(Shape::Normal, "normal", Some("0:1:4")).unwrap();
        let values = draws(&dist, 400_000);
        let beyond = |k: f64| values.iter().filter(|v| v.abs() > k).count();
        assert!((900..1300).contains(&beyond(3.0)), "{}", beyond(3.0));
        assert!((160..320).contains(&beyond(3.5)), "{}", beyond(3.5));
        let negative = values.iter().filter(|v| **v < 0.0).count();
        assert!((198_000..202_000).contains(&negative), "{negative}");
    }

    #[test]
    fn lognormal_has_its_median_and_mean() {
        let dist = Dist::parse(Shape::Lognormal, "lognormal", Some("3:0.5:4")).unwrap();
        let mut values = draws(&dist, 100_000);
        let (mean, _) = mean_sd(&values);
        values.sort_by(f64::total_cmp);
        let median = values[values.len() / 2];
        assert!((median - 3f64.exp()).abs() < 0.3, "{median}");
        let expected = (3.0 + 0.125f64).exp();
        assert!((mean - expected).abs() < 0.3, "{mean} against {expected}");
        assert!(values[0] > 0.0);
    }

    #[test]
    fn exponential_has_its_mean_and_no_negatives() {
        let dist = Dist::parse(Shape::Exp, "exp", Some("10:3")).unwrap();
        let values = draws(&dist, 100_000);
        let (mean, sd) = mean_sd(&values);
        assert!((mean - 10.0).abs() < 0.15, "{mean}");
        assert!((sd - 10.0).abs() < 0.2, "{sd}");
        assert!(values.iter().all(|v| *v >= 0.0));
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        let err = |shape, args| Dist::parse(shape, "x", args).unwrap_err();
        assert!(err(Shape::Normal, None).contains("{normal:100:15:2}"));
        assert!(err(Shape::Normal, Some("1:-2")).contains("negative"));
        assert!(err(Shape::Exp, Some("0")).contains("above 0"));
        assert!(err(Shape::Lognormal, Some("a:1")).contains("`a`"));
        assert!(err(Shape::Normal, Some("1:2:12")).contains("12 digits"));
    }
}
