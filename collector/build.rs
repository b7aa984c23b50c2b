//! Finds the charting library the dashboard draws with (Chart.js, installed by npm from the
//! workspace's `package-lock.json`), so that the binary serves it itself: no CDN, and a
//! collector copied to a server needs nothing beside it.

use std::path::Path;

fn main() {
    let chart = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../node_modules/chart.js/dist/chart.umd.min.js");
    println!("cargo:rerun-if-changed={}", chart.display());
    if !chart.is_file() {
        panic!(
            "{} is missing: the dashboard's charting library comes from npm. Run ./build.sh \
             (or `npm ci` at the workspace root) first.",
            chart.display()
        );
    }
    println!("cargo:rustc-env=NPS_CHART_JS={}", chart.display());
}
