//! The one median every report uses, so that figures of different designs compare like for like.

use serde::{Deserialize, Serialize};

/// The median of `values`: the middle value, or the mean of the middle two for an even count; 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Count, median (by [`median`]) and maximum of some measurements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// How many values.
    pub count: usize,
    /// Their median.
    pub median: f64,
    /// Their maximum (0 when empty).
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (zeros when empty).
    pub fn of(values: &[f64]) -> Spread {
        let max = values.iter().copied().fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        Spread { count: values.len(), median: median(values), max: max.unwrap_or(0.0) }
    }

    /// The spread of whole numbers (seconds, gas).
    pub fn of_u64(values: &[u64]) -> Spread {
        Spread::of(&values.iter().map(|&v| v as f64).collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        assert_eq!(Spread::of_u64(&[5, 1, 9, 3]), Spread { count: 4, median: 4.0, max: 9.0 });
        assert_eq!(Spread::of(&[]), Spread::default());
    }
}
