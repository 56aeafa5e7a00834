//! A chart of one series at the terminal's width, drawn with textplots (braille dots: two
//! columns and four rows per character). Periods without a datapoint are left out, not drawn
//! as zero; a series without any says "no data".

use textplots::{Chart, LabelBuilder, LabelFormat, Plot, Shape};
use wsadm_core::metrics::Point;

/// Lines of braille per chart.
const HEIGHT_LINES: u32 = 5;
/// Columns left for the value label after the plot.
const LABEL_COLS: usize = 9;

/// The columns to fit: the terminal's, else COLUMNS, else 80.
pub fn terminal_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        if let Some((w, _)) = terminal_size::terminal_size() {
            return w.0 as usize;
        }
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(80)
}

/// 1500 -> "1.5k", 12 -> "12", 0.25 -> "0.25".
fn short(v: f32) -> String {
    let a = v.abs();
    if a >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else if a >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if a >= 1000.0 {
        format!("{:.1}k", v / 1000.0)
    } else if a >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Minutes before the end as `-3h`, `-45m`, `-1h30m`.
fn ago(minutes: f32) -> String {
    let m = minutes.abs().round() as i64;
    match (m / 60, m % 60) {
        (0, 0) => "end".into(),
        (0, m) => format!("-{m}m"),
        (h, 0) => format!("-{h}h"),
        (h, m) => format!("-{h}h{m}m"),
    }
}

/// The points cut where periods are missing: each run of consecutive periods is drawn as a
/// line, a lone datapoint as a bar from 0, so a gap never reads as a value.
fn runs(data: &[(f32, f32)], period_min: f32) -> Vec<Vec<(f32, f32)>> {
    let mut out: Vec<Vec<(f32, f32)>> = Vec::new();
    for &(x, y) in data {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|(px, _)| x - px <= period_min * 1.01) => run.push((x, y)),
            _ => out.push(vec![(x, y)]),
        }
    }
    for run in out.iter_mut().filter(|r| r.len() == 1) {
        let (x, y) = run[0];
        *run = vec![(x, 0.0), (x, y)];
    }
    out
}

/// `title`, then the chart of `points` (one every `period_ms` at most) over `span` (epoch ms),
/// fitted to `width` columns.
pub fn render(title: &str, points: &[Point], span: (i64, i64), period_ms: i64, width: usize) -> String {
    if points.is_empty() {
        return format!("{title}: no data\n\n");
    }
    let (start, end) = span;
    let minutes = |t: i64| ((t - end) as f64 / 60_000.0) as f32;
    let xmin = minutes(start).min(-1.0);
    let data: Vec<(f32, f32)> = points.iter().map(|p| (minutes(p.timestamp_ms), p.value as f32)).collect();
    let ymax = data.iter().map(|(_, y)| *y).fold(0.0f32, f32::max);
    let ymax = if ymax <= 0.0 { 1.0 } else { ymax };
    // textplots needs at least 32 dots across and draws width/2 columns.
    let dots = (2 * width.saturating_sub(LABEL_COLS)).clamp(32, 2 * 200) as u32;
    let runs = runs(&data, period_ms as f32 / 60_000.0);
    let shapes: Vec<Shape> = runs.iter().map(|r| Shape::Lines(r)).collect();
    let mut chart = Chart::new_with_y_range(dots, HEIGHT_LINES * 4, xmin, 0.0, 0.0, ymax);
    let mut c =
        chart.x_label_format(LabelFormat::Custom(Box::new(ago))).y_label_format(LabelFormat::Custom(Box::new(short)));
    for s in &shapes {
        c = c.lineplot(s);
    }
    c.figures();
    // Braille blanks read as spaces; plain spaces keep copied text and golden files simple.
    let body = c.to_string().replace('\u{2800}', " ");
    let body: String = body.lines().map(|l| format!("{}\n", l.trim_end())).collect();
    format!("{title}\n{body}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsadm_core::logs::time::iso;

    fn series(values: &[(i64, f64)], end: i64) -> Vec<Point> {
        values
            .iter()
            .map(|(min, v)| {
                let t = end - min * 60_000;
                Point { timestamp: iso(t), timestamp_ms: t, value: *v }
            })
            .collect()
    }

    /// The chart at a fixed width, against the checked-in golden copy (WSADM_BLESS=1 rewrites it).
    #[test]
    fn renders_at_a_fixed_width_like_the_golden_copy() {
        let end = 1_800_000_000_000;
        let pts = series(&[(60, 2.0), (50, 5.0), (40, 12.0), (30, 9.0), (20, 0.0), (10, 3.0), (0, 7.0)], end);
        let text = render("ConnectCount (sum per 1m)", &pts, (end - 60 * 60_000, end), 10 * 60_000, 60);
        let golden = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/metrics_chart_60cols.txt");
        if std::env::var_os("WSADM_BLESS").is_some() {
            std::fs::write(golden, &text).unwrap();
        }
        assert_eq!(text, std::fs::read_to_string(golden).unwrap(), "\n{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 60), "fits 60 columns:\n{text}");
    }

    #[test]
    fn no_data_and_narrow_terminals() {
        assert_eq!(render("X", &[], (0, 60_000), 60_000, 80), "X: no data\n\n");
        let pts = series(&[(0, 1.0)], 600_000);
        let text = render("X", &pts, (0, 600_000), 60_000, 10);
        assert!(text.lines().count() > 3, "a chart even at 10 columns (at its minimum width):\n{text}");
        let flat = series(&[(5, 0.0), (0, 0.0)], 600_000);
        assert!(render("Z", &flat, (0, 600_000), 300_000, 80).contains(" 1\n"), "an all-zero series still has a scale");
    }

    #[test]
    fn gaps_split_the_line_and_a_lone_point_is_a_bar() {
        let r = runs(&[(-10.0, 1.0), (-9.0, 2.0), (-5.0, 3.0), (-1.0, 4.0), (0.0, 5.0)], 1.0);
        assert_eq!(
            r,
            vec![vec![(-10.0, 1.0), (-9.0, 2.0)], vec![(-5.0, 0.0), (-5.0, 3.0)], vec![(-1.0, 4.0), (0.0, 5.0)]]
        );
    }

    #[test]
    fn labels() {
        assert_eq!(
            (short(1500.0), short(12.0), short(0.25), short(25_000.0)),
            ("1.5k".into(), "12".into(), "0.25".into(), "25k".into())
        );
        assert_eq!(
            (ago(-180.0), ago(-45.0), ago(-90.0), ago(0.0)),
            ("-3h".into(), "-45m".into(), "-1h30m".into(), "end".into())
        );
    }
}
