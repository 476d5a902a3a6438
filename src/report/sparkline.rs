//! Sparklines: a series squeezed into one line of `▁▂▃▄▅▆▇█`.

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `values` averaged into at most `width` buckets, each drawn against
/// `full` (the value that draws a full bar).
pub fn sparkline(values: &[f64], width: usize, full: f64) -> String {
    if values.is_empty() || width == 0 {
        return String::new();
    }
    let buckets = width.min(values.len());
    (0..buckets)
        .map(|i| {
            let from = i * values.len() / buckets;
            let to = ((i + 1) * values.len() / buckets).max(from + 1);
            let mean = values[from..to].iter().sum::<f64>() / (to - from) as f64;
            let level = if full > 0.0 { mean / full } else { 0.0 };
            BARS[((level * BARS.len() as f64) as usize).min(BARS.len() - 1)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_levels_against_full() {
        assert_eq!(sparkline(&[0.0, 0.5, 1.0], 10, 1.0), "▁▅█");
    }

    #[test]
    fn averages_into_buckets() {
        let values = [0.0, 0.0, 1.0, 1.0];
        assert_eq!(sparkline(&values, 2, 1.0), "▁█");
    }
}
