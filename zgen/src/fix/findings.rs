//! Reading findings: the selection a `zrules check --format json` report
//! makes, and where each finding of this run points in the texts (file,
//! span, line), so a repair acts on exactly what the check saw.

use serde::Deserialize;
use zrules::Diagnostic;
use zrules::check::Outcome;
use zrules::policy::Policy;
use zrules::span::Span;

use super::FixRequest;
use crate::GenError;
use crate::step::Unfixable;

/// One finding of a `zrules check --format json` report: the fields that
/// identify it (the report has more; they are ignored).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Selection {
    pub code: String,
    pub check: String,
    pub zone: Option<String>,
    pub host: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
}

#[derive(Deserialize)]
struct JsonReport {
    version: u32,
    diagnostics: Vec<Selection>,
}

/// Reads the findings of a `zrules check --format json` report (version 1).
pub fn read_findings_json(text: &str) -> Result<Vec<Selection>, GenError> {
    let r: JsonReport = serde_json::from_str(text)
        .map_err(|e| GenError::Invalid(format!("not a zrules JSON report: {e}")))?;
    if r.version != 1 {
        return Err(GenError::Invalid(format!(
            "zrules JSON report version {} is not supported (expected 1)",
            r.version
        )));
    }
    Ok(r.diagnostics)
}

/// A finding located in the texts: the file's display name and the span.
#[derive(Clone, Debug)]
pub(super) struct Found<'d> {
    pub(super) diag: &'d Diagnostic,
    pub(super) file: Option<String>,
    pub(super) span: Option<Span>,
    pub(super) line: Option<usize>,
}

impl Found<'_> {
    pub(super) fn rule(&self) -> String {
        self.diag.rule_id()
    }

    pub(super) fn unfixable(&self, reason: impl Into<String>) -> Unfixable {
        Unfixable {
            rule: self.rule(),
            zone: self.diag.zone().map(str::to_owned),
            host: self.diag.host().map(str::to_owned),
            message: self.diag.message().to_string(),
            reason: reason.into(),
        }
    }

    fn selected(&self, sel: &Selection) -> bool {
        sel.code.eq_ignore_ascii_case(self.diag.code.as_str())
            && sel.check == self.diag.check
            && sel.zone.as_deref() == self.diag.zone()
            && sel.host.as_deref() == self.diag.host()
            && sel.file == self.file
            && sel.line == self.line
    }
}

/// The findings of `outcome` that `fix` acts on, located in their texts:
/// at or above the policy's fail level, in the report's selection (when
/// one is given) and about the zone asked for (when one is).
pub(super) fn locate<'o>(
    outcome: &'o Outcome,
    req: &FixRequest<'_>,
    policy: &Policy,
) -> Vec<Found<'o>> {
    outcome
        .report
        .diagnostics
        .iter()
        .map(|d| {
            let (file, span, line) = match d.location() {
                Some(loc) => {
                    let f = outcome.sources.get(loc.file);
                    (
                        Some(f.name.clone()),
                        Some(loc.span),
                        Some(f.line_col(loc.span.start()).line),
                    )
                }
                None => (None, None, None),
            };
            Found {
                diag: d,
                file,
                span,
                line,
            }
        })
        // Below the policy's fail level a finding is advice, not a failure:
        // nothing to repair and nothing to hand to a person.
        .filter(|f| f.diag.severity >= policy.fail_level)
        .filter(|f| {
            req.selection
                .is_none_or(|sel| sel.iter().any(|s| f.selected(s)))
        })
        .filter(|f| req.zone.is_none_or(|z| f.diag.zone() == Some(z)))
        .collect()
}
