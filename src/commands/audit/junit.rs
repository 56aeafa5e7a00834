//! JUnit XML for CI systems that show test reports: one test case per check and API; a finding at
//! or above `--fail-on` is a failure, a check that could not run an error, a suppressed finding
//! is skipped, and lower findings pass with their evidence in `system-out`.

use super::AuditReport;
use wsadm_core::audit::{Finding, Status};

fn esc(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn line(f: &Finding) -> String {
    format!("[{}] {}: {} (fix: {})", f.severity, f.resource.label(), f.evidence, f.fix)
}

pub fn render(r: &AuditReport) -> String {
    let mut cases = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    let names: Vec<String> =
        if r.apis.is_empty() { vec![String::new()] } else { r.apis.iter().map(|a| a.name.clone()).collect() };
    for api in &names {
        for c in &r.checks {
            tests += 1;
            let mine: Vec<&Finding> = r
                .findings
                .iter()
                .filter(|f| f.id == c.id && (f.api.as_deref() == Some(api.as_str()) || f.api.is_none()))
                .collect();
            let classname = if api.is_empty() { "wsadm.audit".to_string() } else { format!("wsadm.audit.{api}") };
            cases.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{} {}\">\n",
                esc(&classname),
                esc(c.id),
                esc(c.title)
            ));
            let failing: Vec<&&Finding> = mine.iter().filter(|f| f.fails(r.fail_on)).collect();
            let unchecked: Vec<&&Finding> = mine.iter().filter(|f| f.status == Status::NotChecked).collect();
            if !failing.is_empty() {
                failures += 1;
                let text: Vec<String> = failing.iter().map(|f| line(f)).collect();
                cases.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    c.severity,
                    esc(&format!("{}: {}", c.title, failing[0].evidence)),
                    esc(&text.join("\n"))
                ));
            } else if !unchecked.is_empty() {
                errors += 1;
                cases.push_str(&format!(
                    "      <error type=\"not_checked\" message=\"{}\"/>\n",
                    esc(unchecked[0].reason.as_deref().unwrap_or("not checked"))
                ));
            } else if !mine.is_empty() && mine.iter().all(|f| f.status == Status::Suppressed) {
                skipped += 1;
                cases.push_str(&format!(
                    "      <skipped message=\"suppressed: {}\"/>\n",
                    esc(mine[0].reason.as_deref().unwrap_or(""))
                ));
            }
            let below: Vec<String> =
                mine.iter().filter(|f| f.status == Status::Found && !f.fails(r.fail_on)).map(|f| line(f)).collect();
            if !below.is_empty() {
                cases.push_str(&format!("      <system-out>{}</system-out>\n", esc(&below.join("\n"))));
            }
            cases.push_str("    </testcase>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"wsadm audit\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n  <testsuite name=\"wsadm audit ({})\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{:.3}\">\n{cases}  </testsuite>\n</testsuites>\n",
        esc(&r.region),
        r.elapsed_ms as f64 / 1000.0
    )
}
