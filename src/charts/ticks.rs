//! Value axes: a data range -> a "nice" domain with round tick steps (1, 2 or 5 times a
//! power of ten), and the mapping from values to viewBox units.
//!
//! Part of the `charts` stage. Pure arithmetic on finite numbers; formatting tick labels is
//! the caller's job (through the one number formatter).

/// A value axis: its domain, tick step and the decimals its tick labels need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub decimals: u8,
}

/// About this many intervals between ticks.
pub const TARGET_TICKS: f64 = 5.0;

impl Axis {
    /// A domain that covers `lo..=hi` with round ends and about `TARGET_TICKS` intervals.
    /// An empty range widens around its value; non-finite input gives `0..=1`.
    pub fn nice(lo: f64, hi: f64) -> Axis {
        let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
            (lo.min(hi), lo.max(hi))
        } else {
            (0.0, 1.0)
        };
        if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
            // One value only: show it with room above (or below, for negatives).
            let pad = if lo == 0.0 { 5.0 } else { lo.abs() * 0.5 };
            (lo, hi) = if lo >= 0.0 {
                (lo.min(0.0), hi + pad)
            } else {
                (lo - pad, hi.max(0.0))
            };
        }
        let step = nice_step((hi - lo) / TARGET_TICKS);
        Axis {
            lo: clean(snap(lo / step, f64::floor) * step),
            hi: clean(snap(hi / step, f64::ceil) * step),
            step,
            decimals: decimals_of(step),
        }
    }

    /// A fixed domain (a 1-10 scale) with nice ticks inside it, always including both ends
    /// when they lie on the step.
    pub fn fixed(lo: f64, hi: f64) -> Axis {
        let step = nice_step((hi - lo) / 9.0).max(f64::MIN_POSITIVE);
        Axis {
            lo,
            hi,
            step,
            decimals: decimals_of(step).max(decimals_of_value(lo)),
        }
    }

    /// The same number of intervals as `other`, with zero at the same height: the right
    /// axis of a bar-line chart, so both axes share the grid lines.
    pub fn aligned_with(other: &Axis, lo: f64, hi: f64) -> Axis {
        let intervals = other.intervals().max(1) as f64;
        let below = (-other.lo / other.step).round().clamp(0.0, intervals);
        let above = intervals - below;
        let need_above = if above > 0.0 {
            hi.max(0.0) / above
        } else {
            0.0
        };
        let need_below = if below > 0.0 {
            (-lo).max(0.0) / below
        } else {
            0.0
        };
        let mut step = nice_step(need_above.max(need_below));
        if step <= 0.0 || !step.is_finite() {
            step = 1.0;
        }
        Axis {
            lo: -below * step,
            hi: above * step,
            step,
            decimals: decimals_of(step),
        }
    }

    /// The number of intervals between ticks.
    pub fn intervals(&self) -> usize {
        ((self.hi - self.lo) / self.step).round().max(0.0) as usize
    }

    /// The tick values, lowest first.
    pub fn ticks(&self) -> Vec<f64> {
        let first = snap(self.lo / self.step, f64::ceil) as i64;
        let last = snap(self.hi / self.step, f64::floor) as i64;
        // A fixed axis has at most 10 steps and a nice one about 5; the cap only guards
        // against a bug turning into a million ticks.
        (first..=last.min(first + 50))
            .map(|i| clean(i as f64 * self.step))
            .collect()
    }

    /// Where `v` lies between `from` (at `lo`) and `to` (at `hi`).
    pub fn map(&self, v: f64, from: f64, to: f64) -> f64 {
        let span = self.hi - self.lo;
        if span <= 0.0 || !v.is_finite() {
            return from;
        }
        from + (v - self.lo) / span * (to - from)
    }
}

/// `q` rounded by `round`, unless it is a whole number but for arithmetic noise.
fn snap(q: f64, round: fn(f64) -> f64) -> f64 {
    let near = q.round();
    if (q - near).abs() < 1e-9 {
        near
    } else {
        round(q)
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let f = raw / power;
    let nice = if f <= 1.0 + 1e-9 {
        1.0
    } else if f <= 2.0 + 1e-9 {
        2.0
    } else if f <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    clean(nice * power)
}

/// The decimals a tick step needs: 0 for 1, 20, 500; 1 for 0.5; 2 for 0.02.
fn decimals_of(step: f64) -> u8 {
    if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()).clamp(0.0, 12.0) as u8
    }
}

/// The decimals a single value needs, up to two.
fn decimals_of_value(v: f64) -> u8 {
    (0u8..=2)
        .find(|&d| {
            let scaled = v * 10f64.powi(i32::from(d));
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(2)
}

/// `x` without the noise of binary arithmetic (0.30000000000000004 -> 0.3), and never -0.
fn clean(x: f64) -> f64 {
    let cleaned: f64 = format!("{x:.12e}").parse().unwrap_or(x);
    if cleaned == 0.0 { 0.0 } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_domains_and_steps() {
        let a = Axis::nice(0.0, 40.9);
        assert_eq!((a.lo, a.hi, a.step, a.decimals), (0.0, 50.0, 10.0, 0));
        assert_eq!(a.ticks(), [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        let b = Axis::nice(0.0, 599.0);
        assert_eq!((b.lo, b.hi, b.step), (0.0, 600.0, 200.0));
        let c = Axis::nice(-10.4, 84.0);
        assert_eq!((c.lo, c.hi, c.step), (-20.0, 100.0, 20.0));
        let d = Axis::nice(0.0, 0.7);
        assert_eq!((d.step, d.decimals), (0.2, 1));
        assert_eq!(d.ticks(), [0.0, 0.2, 0.4, 0.6, 0.8]);
    }

    #[test]
    fn empty_ranges_widen() {
        let zero = Axis::nice(0.0, 0.0);
        assert_eq!((zero.lo, zero.hi, zero.step), (0.0, 5.0, 1.0));
        let a = Axis::nice(0.0, 7.0);
        assert!(a.lo <= 0.0 && a.hi >= 7.0);
        let neg = Axis::nice(-5.0, -5.0);
        assert!(neg.lo <= -5.0 && neg.hi >= 0.0, "{neg:?}");
        let bad = Axis::nice(f64::NAN, 3.0);
        assert_eq!((bad.lo, bad.hi), (0.0, 1.0));
    }

    #[test]
    fn fixed_scales_tick_every_point() {
        let a = Axis::fixed(1.0, 10.0);
        assert_eq!(
            a.ticks(),
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
        );
        assert_eq!(Axis::fixed(1.0, 5.0).ticks().len(), 9);
    }

    #[test]
    fn a_second_axis_shares_the_grid() {
        let left = Axis::nice(0.0, 1234.0);
        let right = Axis::aligned_with(&left, 0.0, 7.3);
        assert_eq!(right.intervals(), left.intervals());
        assert!(right.hi >= 7.3 && right.lo == 0.0, "{right:?}");
        let left = Axis::nice(-50.0, 100.0);
        let right = Axis::aligned_with(&left, -1.0, 3.0);
        assert_eq!(right.intervals(), left.intervals());
        assert!(right.lo <= -1.0 && right.hi >= 3.0, "{right:?}");
    }

    #[test]
    fn mapping_is_linear_and_safe() {
        let a = Axis::nice(0.0, 50.0);
        assert_eq!(a.map(25.0, 300.0, 0.0), 150.0);
        assert_eq!(a.map(f64::NAN, 300.0, 0.0), 300.0);
    }
}
