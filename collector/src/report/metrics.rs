//! The report's figures from plain counts (DESIGN.md, "The report"): scores, their 95 % margins
//! of error and the response rate. Pure functions, no storage.
//!
//! Scores and rates are exact ratios of whole numbers, rounded half away from zero in integer
//! arithmetic (so `12.25` is `12.3` and `-12.25` is `-12.3`, never the nearest binary float's
//! whim); margins take a square root and are rounded the same way from a float.
//!
//! `n` is the number of responses (answers with a score). With `n = 0` every score and margin
//! is `None` (`null` in JSON). With `n = 1` the NPS and CSAT formulas give a margin of `0.0`
//! (one answer has no spread between answers); a CES margin needs the *sample* standard
//! deviation, which needs two scores, so it is `None` for `n = 1`.

/// z for a two-sided 95 % confidence interval.
const Z95: f64 = 1.96;

/// The counts one NPS, CSAT or CES figure is computed from: the responses of one group
/// (the whole range, one trend bucket or one segment).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scores {
    /// Responses: answers with a score (`n`).
    pub n: u64,
    /// Responses in the kind's lowest category (NPS detractors).
    pub low: u64,
    /// Responses in the kind's highest category (NPS promoters, CSAT satisfied).
    pub high: u64,
    /// Sum of the scores.
    pub sum: i64,
    /// Sum of the squares of the scores.
    pub sum_squares: i64,
}

/// `numerator / denominator` rounded half away from zero to `decimals` decimals;
/// `denominator` must not be zero.
fn rounded_ratio(numerator: i128, denominator: i128, decimals: u32) -> f64 {
    let scale = 10_i128.pow(decimals);
    let scaled = numerator * scale;
    let half = denominator.abs();
    // Round |scaled / denominator| half up, then put the sign back.
    let magnitude = (2 * scaled.abs() + half) / (2 * half);
    let sign = if (scaled < 0) != (denominator < 0) {
        -1
    } else {
        1
    };
    (sign * magnitude) as f64 / scale as f64
}

/// `value` rounded half away from zero to one decimal.
fn one_decimal(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// NPS: 100 × (promoters − detractors) / responses, one decimal; `None` without responses.
pub fn nps_score(scores: &Scores) -> Option<f64> {
    (scores.n > 0).then(|| {
        let difference = scores.high as i128 - scores.low as i128;
        rounded_ratio(100 * difference, scores.n as i128, 1)
    })
}

/// Margin of an NPS (95 %, one decimal): 1.96 × 100 × √((p₊ + p₋ − (p₊ − p₋)²) / n);
/// `None` without responses.
pub fn nps_margin(scores: &Scores) -> Option<f64> {
    (scores.n > 0).then(|| {
        let n = scores.n as f64;
        let (promoters, detractors) = (scores.high as f64 / n, scores.low as f64 / n);
        let variance = promoters + detractors - (promoters - detractors).powi(2);
        // A rounding error must not make an all-promoter variance slightly negative.
        one_decimal(Z95 * 100.0 * (variance.max(0.0) / n).sqrt())
    })
}

/// CSAT: 100 × satisfied / responses, one decimal; `None` without responses.
pub fn csat_score(scores: &Scores) -> Option<f64> {
    (scores.n > 0).then(|| rounded_ratio(100 * scores.high as i128, scores.n as i128, 1))
}

/// Margin of a CSAT (95 %, one decimal): 1.96 × 100 × √(p(1 − p) / n) with p the satisfied
/// share; `None` without responses.
pub fn csat_margin(scores: &Scores) -> Option<f64> {
    (scores.n > 0).then(|| {
        let n = scores.n as f64;
        let p = scores.high as f64 / n;
        one_decimal(Z95 * 100.0 * ((p * (1.0 - p)).max(0.0) / n).sqrt())
    })
}

/// CES: the mean score, two decimals; `None` without responses.
pub fn ces_score(scores: &Scores) -> Option<f64> {
    (scores.n > 0).then(|| rounded_ratio(scores.sum as i128, scores.n as i128, 2))
}

/// Margin of a CES (95 %, one decimal): 1.96 × s / √n, where s is the sample standard
/// deviation, from the sum and the sum of squares: s² = (n·Σx² − (Σx)²) / (n(n − 1)).
/// `None` with fewer than two responses (one score has no sample standard deviation).
pub fn ces_margin(scores: &Scores) -> Option<f64> {
    (scores.n > 1).then(|| {
        let n = scores.n as i128;
        // Exact in integers: the subtraction of two large, nearly equal floats would not be.
        let spread = n * scores.sum_squares as i128 - (scores.sum as i128).pow(2);
        let variance = spread.max(0) as f64 / (n * (n - 1)) as f64;
        one_decimal(Z95 * (variance / n as f64).sqrt())
    })
}

/// responses / displays, four decimals; `None` without displays.
pub fn response_rate(responses: u64, displays: u64) -> Option<f64> {
    (displays > 0).then(|| rounded_ratio(responses as i128, displays as i128, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scores of a list of answers' scores, with the kind's low and high categories.
    fn scores_of(values: &[i64], is_low: fn(i64) -> bool, is_high: fn(i64) -> bool) -> Scores {
        Scores {
            n: values.len() as u64,
            low: values.iter().filter(|v| is_low(**v)).count() as u64,
            high: values.iter().filter(|v| is_high(**v)).count() as u64,
            sum: values.iter().sum(),
            sum_squares: values.iter().map(|v| v * v).sum(),
        }
    }

    fn nps(values: &[i64]) -> Scores {
        scores_of(values, |v| v <= 6, |v| v >= 9)
    }

    fn csat(values: &[i64]) -> Scores {
        scores_of(values, |v| v <= 2, |v| v >= 4)
    }

    fn ces(values: &[i64]) -> Scores {
        scores_of(values, |v| v <= 3, |v| v >= 5)
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(rounded_ratio(1225, 100, 1), 12.3);
        assert_eq!(rounded_ratio(-1225, 100, 1), -12.3);
        assert_eq!(rounded_ratio(1224, 100, 1), 12.2);
        assert_eq!(rounded_ratio(-1224, 100, 1), -12.2);
        assert_eq!(rounded_ratio(1, 3, 4), 0.3333);
        assert_eq!(rounded_ratio(2, 3, 4), 0.6667);
        assert_eq!(rounded_ratio(0, 7, 2), 0.0);
        assert_eq!(one_decimal(2.25), 2.3);
        assert_eq!(one_decimal(2.24), 2.2);
    }

    /// 10 NPS responses: 5 promoters, 2 passives, 3 detractors.
    /// score = 100 × (5 − 3) / 10 = 20.0;
    /// p₊ = 0.5, p₋ = 0.3: variance = 0.8 − 0.04 = 0.76; √(0.76 / 10) = 0.275681…;
    /// margin = 196 × 0.275681 = 54.0334… → 54.0.
    #[test]
    fn nps_worked_example() {
        let scores = nps(&[10, 10, 9, 9, 9, 8, 7, 6, 3, 0]);
        assert_eq!((scores.n, scores.high, scores.low), (10, 5, 3));
        assert_eq!(nps_score(&scores), Some(20.0));
        assert_eq!(nps_margin(&scores), Some(54.0));
    }

    /// The shape of the design's example: 812 responses, 420 promoters, 172 detractors.
    /// score = 100 × 248 / 812 = 30.5418… → 30.5; p₊ = 0.517241, p₋ = 0.211823:
    /// variance = 0.729064 − 0.093280 = 0.635784; √(0.635784 / 812) = 0.027982;
    /// margin = 196 × 0.027982 = 5.4844… → 5.5.
    #[test]
    fn nps_at_the_scale_of_a_quarter() {
        let scores = Scores {
            n: 812,
            low: 172,
            high: 420,
            ..Scores::default()
        };
        assert_eq!(nps_score(&scores), Some(30.5));
        assert_eq!(nps_margin(&scores), Some(5.5));
        assert_eq!(response_rate(812, 2400), Some(0.3383));
    }

    #[test]
    fn nps_extremes() {
        let promoters = nps(&[9, 10, 10, 9]);
        assert_eq!(nps_score(&promoters), Some(100.0));
        assert_eq!(nps_margin(&promoters), Some(0.0));
        let detractors = nps(&[0, 6, 3]);
        assert_eq!(nps_score(&detractors), Some(-100.0));
        assert_eq!(nps_margin(&detractors), Some(0.0));
        let passives = nps(&[7, 8]);
        assert_eq!(nps_score(&passives), Some(0.0));
        assert_eq!(nps_margin(&passives), Some(0.0));
        // One response: a figure, and no spread.
        let one = nps(&[9]);
        assert_eq!(nps_score(&one), Some(100.0));
        assert_eq!(nps_margin(&one), Some(0.0));
        // Half promoters, half detractors: variance 1, margin 196 / √2 = 138.59… → 138.6.
        let split = nps(&[10, 0]);
        assert_eq!(nps_score(&split), Some(0.0));
        assert_eq!(nps_margin(&split), Some(138.6));
    }

    /// 1 promoter, 2 detractors of 3: 100 × −1 / 3 = −33.33… → −33.3; p₊ = 1/3, p₋ = 2/3:
    /// variance = 1 − 1/9 = 8/9; √(8/27) = 0.544331; margin = 106.6889… → 106.7.
    #[test]
    fn nps_negative_scores() {
        let scores = nps(&[9, 2, 5]);
        assert_eq!(nps_score(&scores), Some(-33.3));
        assert_eq!(nps_margin(&scores), Some(106.7));
        // −2/3 × 100 = −66.666… → −66.7.
        let scores = nps(&[1, 2, 7]);
        assert_eq!(nps_score(&scores), Some(-66.7));
    }

    /// 8 CSAT responses, 5 satisfied (4, 5): score = 62.5; p = 0.625:
    /// √(0.625 × 0.375 / 8) = 0.171163…; margin = 196 × 0.171163 = 33.548… → 33.5.
    #[test]
    fn csat_worked_example() {
        let scores = csat(&[5, 5, 4, 4, 4, 3, 2, 1]);
        assert_eq!((scores.n, scores.high, scores.low), (8, 5, 2));
        assert_eq!(csat_score(&scores), Some(62.5));
        assert_eq!(csat_margin(&scores), Some(33.5));
        let all = csat(&[4, 5, 5]);
        assert_eq!(csat_score(&all), Some(100.0));
        assert_eq!(csat_margin(&all), Some(0.0));
        let none = csat(&[1, 2, 3]);
        assert_eq!(csat_score(&none), Some(0.0));
        assert_eq!(csat_margin(&none), Some(0.0));
        // 2 of 3: 66.666… → 66.7.
        assert_eq!(csat_score(&csat(&[5, 4, 1])), Some(66.7));
    }

    /// 6 CES responses 7, 6, 6, 5, 3, 2: Σx = 29, Σx² = 159; mean = 4.8333… → 4.83;
    /// s² = (6 × 159 − 29²) / (6 × 5) = (954 − 841) / 30 = 3.7667; s = 1.940790;
    /// margin = 1.96 × 1.940790 / √6 = 1.5529… → 1.6.
    #[test]
    fn ces_worked_example() {
        let scores = ces(&[7, 6, 6, 5, 3, 2]);
        assert_eq!((scores.sum, scores.sum_squares), (29, 159));
        assert_eq!(ces_score(&scores), Some(4.83));
        assert_eq!(ces_margin(&scores), Some(1.6));
        // All the same score: no spread.
        let same = ces(&[5, 5, 5, 5]);
        assert_eq!(ces_score(&same), Some(5.0));
        assert_eq!(ces_margin(&same), Some(0.0));
        // 1, 2: mean 1.5, s² = 0.5, margin = 1.96 × √0.25 = 0.98 → 1.0.
        let two = ces(&[1, 2]);
        assert_eq!(ces_score(&two), Some(1.5));
        assert_eq!(ces_margin(&two), Some(1.0));
        // 2/3 = 0.666… → 0.67 (two decimals, half away from zero).
        assert_eq!(ces_score(&ces(&[1, 1, 0])), Some(0.67));
    }

    #[test]
    fn one_ces_response_has_a_score_and_no_margin() {
        let one = ces(&[4]);
        assert_eq!(ces_score(&one), Some(4.0));
        assert_eq!(ces_margin(&one), None);
    }

    #[test]
    fn no_responses_means_no_figures() {
        let none = Scores::default();
        for figure in [
            nps_score,
            nps_margin,
            csat_score,
            csat_margin,
            ces_score,
            ces_margin,
        ] {
            assert_eq!(figure(&none), None);
        }
    }

    #[test]
    fn response_rate_has_four_decimals_and_none_without_displays() {
        assert_eq!(response_rate(0, 0), None);
        assert_eq!(response_rate(0, 5), Some(0.0));
        assert_eq!(response_rate(5, 5), Some(1.0));
        assert_eq!(response_rate(10, 13), Some(0.7692));
        // 1/8 = 0.125 exactly; 1/16 = 0.0625; 1/32 = 0.03125 → 0.0313 (half away from zero).
        assert_eq!(response_rate(1, 8), Some(0.125));
        assert_eq!(response_rate(1, 32), Some(0.0313));
    }

    #[test]
    fn large_counts_stay_exact() {
        // A million CES answers of 7 and 1, half each: mean 4, sd ≈ 3.0000015, margin ≈ 0.0059.
        let half = 500_000_u64;
        let scores = Scores {
            n: 2 * half,
            low: half,
            high: half,
            sum: (8 * half) as i64,
            sum_squares: (50 * half) as i64,
        };
        assert_eq!(ces_score(&scores), Some(4.0));
        assert_eq!(ces_margin(&scores), Some(0.0));
        assert_eq!(nps_score(&scores), Some(0.0));
        assert_eq!(nps_margin(&scores), Some(0.2));
    }
}
