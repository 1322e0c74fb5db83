//! The validation report: every rejected row with its row number, column and reason; repairs and
//! warnings said out loud; counts. Written as CSV (opens in Excel, UTF-8 with BOM) or JSON.

use serde::Serialize;

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row was not imported.
    Rejected,
    /// The row was imported after a safe repair.
    Repaired,
    /// The row was imported; something deserves a look.
    Warning,
}

/// What an issue is about, for a program that acts on it (the reason says it to people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// The reader refused the row: a malformed line, a geometry it could not read or that is missing.
    Row,
    /// A cell is not a value of its property (see [`super::values::ValueError`]).
    Value,
    /// A coordinate cell is not a coordinate.
    Coordinate,
    /// The geometry is missing, not the layer's type, out of range or outside the declared area
    /// (see [`super::geometry::GeometryError`]), or was repaired.
    Geometry,
    /// The properties break the layer's rules: a required one missing, a range, a code.
    Property,
    /// The key column is empty, or repeats an earlier row's key.
    Key,
}

/// One finding about one row (or, with `row` 0, about the whole file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    pub row: usize,
    pub kind: IssueKind,
    pub column: Option<String>,
    pub value: Option<String>,
    pub severity: Severity,
    pub reason: String,
}

/// What an import did or, on a dry run, would do.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub file: String,
    pub layer: String,
    /// The CRS the coordinates were read in, and how it was chosen.
    pub crs: String,
    pub rows_read: usize,
    pub rows_valid: usize,
    pub rows_rejected: usize,
    pub inserted: usize,
    pub updated: usize,
    pub dry_run: bool,
    /// Whether anything was written (false when one bad row stopped an all-or-nothing import).
    pub committed: bool,
    /// Milliseconds spent reading the file, checking the rows, and writing the store.
    pub read_ms: u64,
    pub check_ms: u64,
    pub write_ms: u64,
    /// What the reader and mapper noticed about the file as a whole.
    pub notes: Vec<String>,
    pub issues: Vec<Issue>,
}

impl Report {
    pub fn reject(
        &mut self,
        row: usize,
        kind: IssueKind,
        column: Option<&str>,
        value: Option<String>,
        reason: impl Into<String>,
    ) {
        self.push(row, kind, column, value, Severity::Rejected, reason);
    }

    pub fn push(
        &mut self,
        row: usize,
        kind: IssueKind,
        column: Option<&str>,
        value: Option<String>,
        severity: Severity,
        reason: impl Into<String>,
    ) {
        let column = column.map(str::to_owned);
        self.issues.push(Issue { row, kind, column, value, severity, reason: reason.into() });
    }

    pub fn rejected(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Rejected)
    }

    /// The report as CSV: a UTF-8 BOM (so Excel shows Chinese), then row, column, value, severity, reason.
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_record(["row", "column", "value", "severity", "reason"]);
        for i in &self.issues {
            let sev = match i.severity {
                Severity::Rejected => "rejected",
                Severity::Repaired => "repaired",
                Severity::Warning => "warning",
            };
            let row = i.row.to_string();
            let _ = w.write_record([
                row.as_str(),
                i.column.as_deref().unwrap_or(""),
                i.value.as_deref().unwrap_or(""),
                sev,
                i.reason.as_str(),
            ]);
        }
        let body = w.into_inner().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        format!("\u{feff}{body}")
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A few lines for a terminal: the counts and the first rejected rows.
    pub fn summary(&self, max_rows: usize) -> String {
        let mut s = format!(
            "{}: {} rows read, {} valid, {} rejected; {} inserted, {} updated{}{}\ncoordinates: {}\n",
            self.file,
            self.rows_read,
            self.rows_valid,
            self.rows_rejected,
            self.inserted,
            self.updated,
            if self.dry_run { " (dry run: nothing written)" } else { "" },
            if !self.dry_run && !self.committed { " — nothing written" } else { "" },
            self.crs
        );
        for n in &self.notes {
            s.push_str(&format!("note: {n}\n"));
        }
        for i in self.issues.iter().take(max_rows) {
            s.push_str(&format!(
                "row {}{}: {:?}: {}{}\n",
                i.row,
                i.column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default(),
                i.severity,
                i.reason,
                i.value.as_ref().map(|v| format!(" (value `{v}`)")).unwrap_or_default()
            ));
        }
        if self.issues.len() > max_rows {
            s.push_str(&format!("… {} more issues in the report\n", self.issues.len() - max_rows));
        }
        s
    }
}
