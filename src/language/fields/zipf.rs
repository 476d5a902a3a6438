//! `{zipf:N:S}`: whole numbers 1..=N with P(k) ∝ k^-S, 1 the most common,
//! by Hörmann & Derflinger's rejection-inversion ("Rejection-inversion to
//! generate variates from monotone discrete distributions", ACM TOMACS
//! 6(3), 1996): O(1) setup and memory whatever N, and about one try per
//! draw, where an alias or cumulative table would hold N entries and miss
//! the cache on every draw for a large N.

use super::dist::{parameter, unit};
use super::exp_log::{Tables, tables};
use crate::language::sequence::RecordRng;

/// `{zipf:N:S}`: integers 1..=N, P(k) ∝ k^-S.
#[derive(Debug, Clone)]
pub struct Zipf {
    pub n: u64,
    pub s: f64,
    /// H(1.5) - 1, H(N + 0.5) and the squeeze bound of the method.
    h_x1: f64,
    h_n: f64,
    squeeze: f64,
    /// `exp` and `ln` for the draw, inlined (`exp_log.rs`).
    math: &'static Tables,
}

impl PartialEq for Zipf {
    fn eq(&self, other: &Zipf) -> bool {
        self.n == other.n && self.s.to_bits() == other.s.to_bits()
    }
}

impl Eq for Zipf {}

impl Zipf {
    /// `N[:S]`, S defaulting to 1 (the classic Zipf).
    pub(super) fn parse(args: Option<&str>) -> Result<Zipf, String> {
        let args = args.ok_or("`{zipf}` needs N and a skew, as in `{zipf:1000:1.1}`")?;
        let (n, s) = match args.split_once(':') {
            Some((n, s)) => (n, parameter(s, "a skew such as 1.1")?),
            None => (args, 1.0),
        };
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a whole number of values"))?;
        if n == 0 || n > 1 << 53 {
            return Err(format!("{n} values is out of range: use 1 to 2^53"));
        }
        if s <= 0.0 || s > 100.0 {
            return Err(format!(
                "the skew {s} is out of range: use above 0 up to 100"
            ));
        }
        let mut zipf = Zipf {
            n,
            s,
            h_x1: 0.0,
            h_n: 0.0,
            squeeze: 0.0,
            math: tables(),
        };
        zipf.h_x1 = zipf.h_integral(1.5) - 1.0;
        zipf.h_n = zipf.h_integral(n as f64 + 0.5);
        zipf.squeeze = 2.0 - zipf.h_integral_inverse(zipf.h_integral(2.5) - zipf.h(2.0));
        Ok(zipf)
    }

    /// One draw in 1..=N (Hörmann & Derflinger's algorithm ZRI, as Apache
    /// Commons Math writes it).
    #[inline]
    pub(super) fn draw(&self, rng: &mut RecordRng) -> u64 {
        loop {
            let u = self.h_n + unit(rng.next_u64()) * (self.h_x1 - self.h_n);
            let x = self.h_integral_inverse(u);
            let k = ((x + 0.5) as u64).clamp(1, self.n);
            let kf = k as f64;
            if kf - x <= self.squeeze || u >= self.h_integral(kf + 0.5) - self.h(kf) {
                return k;
            }
        }
    }

    /// h(x) = x^-s.
    fn h(&self, x: f64) -> f64 {
        (-self.s * x.ln()).exp()
    }

    /// H(x), an integral of h, written so that s = 1 needs no special case.
    fn h_integral(&self, x: f64) -> f64 {
        let log_x = x.ln();
        helper2((1.0 - self.s) * log_x) * log_x
    }

    /// H^-1, the one `exp` and `ln` of almost every draw (the squeeze
    /// spares the others): through `exp_log.rs`, not libm.
    #[inline(always)]
    fn h_integral_inverse(&self, x: f64) -> f64 {
        let t = (x * (1.0 - self.s)).max(-1.0);
        let ln_1p_over_t = if t.abs() > 1e-8 {
            self.math.ln_1p(t) / t
        } else {
            helper1(t)
        };
        self.math.exp(ln_1p_over_t * x)
    }
}

/// ln(1 + x) / x, exact near 0.
fn helper1(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.ln_1p() / x
    } else {
        1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }
}

/// (e^x - 1) / x, exact near 0.
fn helper2(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.exp_m1() / x
    } else {
        1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_follows_its_power_law() {
        for s in [0.8, 1.0, 1.5] {
            let zipf = Zipf::parse(Some(&format!("1000:{s}"))).unwrap();
            let mut counts = vec![0u64; 1001];
            for i in 0..200_000 {
                let k = zipf.draw(&mut RecordRng::for_record(5, i));
                assert!((1..=1000).contains(&k));
                counts[k as usize] += 1;
            }
            let harmonic: f64 = (1..=1000).map(|k| (k as f64).powf(-s)).sum();
            for k in [1usize, 2, 10] {
                let expected = 200_000.0 * (k as f64).powf(-s) / harmonic;
                let got = counts[k] as f64;
                assert!(
                    (got - expected).abs() < 5.0 * expected.sqrt() + 10.0,
                    "s={s} k={k}: {got} against {expected}"
                );
            }
        }
    }

    #[test]
    fn zipf_of_one_value_is_always_one() {
        let zipf = Zipf::parse(Some("1:2")).unwrap();
        assert!((0..100).all(|i| zipf.draw(&mut RecordRng::for_record(1, i)) == 1));
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        assert!(
            Zipf::parse(Some("0:1"))
                .unwrap_err()
                .contains("out of range")
        );
        assert!(Zipf::parse(Some("10:-1")).unwrap_err().contains("skew"));
        assert!(Zipf::parse(None).unwrap_err().contains("{zipf:1000:1.1}"));
    }
}
