//! The `f64` methods the widget needs that are std-only (the release wasm is `no_std`).

/// From 2^52 up, every finite f64 is whole; below, the cast to i64 is exact for whole numbers.
const EXACT: f64 = 4_503_599_627_370_496.0;

/// Whether `x` is a whole number: `x.fract() == 0.0` (false for NaN and the infinities).
pub fn is_whole(x: f64) -> bool {
    x.is_finite() && (x >= EXACT || x <= -EXACT || x as i64 as f64 == x)
}

/// The smallest whole number not below `x`: `x.ceil()`.
pub fn ceil(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= EXACT {
        return x; // NaN, the infinities, and numbers that are already whole
    }
    let truncated = x as i64 as f64;
    let up = if truncated < x {
        truncated + 1.0
    } else {
        truncated
    };
    if up == 0.0 && x.is_sign_negative() {
        -0.0
    } else {
        up
    }
}

/// The square root, correctly rounded like std's `f64::sqrt`.
pub fn sqrt(x: f64) -> f64 {
    #[cfg(nps_cdylib)]
    {
        extern "C" {
            // compiler-builtins' libm `sqrt`, linked into every wasm32 build.
            fn sqrt(x: f64) -> f64;
        }
        // SAFETY: a pure function of its argument.
        unsafe { sqrt(x) }
    }
    #[cfg(not(nps_cdylib))]
    x.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_whole_is_fract_is_zero() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -0.5,
            1e-300,
            2.5e9,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            -4_503_599_627_370_497.0,
            9.3e18,
            -9.3e18,
            1e300,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            2_147_483_647.0,
            36_500.0,
            36_499.999,
        ];
        for x in values {
            assert_eq!(is_whole(x), x.fract() == 0.0, "{x}");
            for x in [x, -x] {
                let (ours, std) = (ceil(x), x.ceil());
                assert!(
                    ours.to_bits() == std.to_bits() || (ours.is_nan() && std.is_nan()),
                    "ceil {x}: {ours} {std}"
                );
            }
        }
    }
}
