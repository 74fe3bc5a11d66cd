//! The model specification given as data: constructs with their items and
//! measurement mode, and directed paths between constructs. [`Layout`]
//! resolves a specification against the columns of a data set once.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a construct's outer weights are estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Mode {
    /// Mode A (correlation weights): each weight is the covariance of its
    /// item with the inner proxy. The usual choice for reflective blocks.
    #[default]
    A,
    /// Mode B (regression weights): the inner proxy regressed on the block's
    /// items. Needs items that are not collinear.
    B,
}

impl Mode {
    /// Parses "A" or "B" (either case).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other text.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "A" | "a" => Ok(Mode::A),
            "B" | "b" => Ok(Mode::B),
            other => Err(Error::invalid_parameter(
                "mode",
                format!("{other:?}"),
                "\"A\" (correlation weights) or \"B\" (regression weights)",
            )),
        }
    }
}

/// Inner weighting scheme of the PLS iteration (Lohmöller 1989, "Latent
/// variable path modeling with partial least squares", section 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InnerScheme {
    /// Predecessors weighted by the coefficients of regressing the construct
    /// on them, successors by their correlation (seminr and SmartPLS default).
    #[default]
    Path,
    /// Neighbours weighted by the sign of their correlation (plspm default).
    Centroid,
    /// Neighbours weighted by their correlation.
    Factorial,
}

impl InnerScheme {
    /// Parses "path", "centroid" or "factorial".
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for other names.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "path" => Ok(InnerScheme::Path),
            "centroid" => Ok(InnerScheme::Centroid),
            "factorial" => Ok(InnerScheme::Factorial),
            other => Err(Error::invalid_parameter(
                "scheme",
                format!("{other:?}"),
                "\"path\", \"centroid\" or \"factorial\"",
            )),
        }
    }

    /// Lower-case name.
    pub fn name(&self) -> &'static str {
        match self {
            InnerScheme::Path => "path",
            InnerScheme::Centroid => "centroid",
            InnerScheme::Factorial => "factorial",
        }
    }
}

/// One construct (latent variable, composite): its name, items and mode.
/// Unknown fields are rejected, so that a misspelt `"mode"` is not read as
/// the default mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstructSpec {
    /// Construct name, e.g. "Satisfaction".
    pub name: String,
    /// Names of its item columns, e.g. ["CUSA1", "CUSA2", "CUSA3"].
    pub items: Vec<String>,
    /// Measurement mode.
    #[serde(default)]
    pub mode: Mode,
}

impl ConstructSpec {
    /// Builds a mode A construct.
    pub fn new(name: impl Into<String>, items: &[&str]) -> Self {
        ConstructSpec {
            name: name.into(),
            items: items.iter().map(|s| s.to_string()).collect(),
            mode: Mode::A,
        }
    }

    /// Returns the same construct with mode B.
    pub fn mode_b(mut self) -> Self {
        self.mode = Mode::B;
        self
    }
}

/// A directed path `source -> target` of the structural model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathSpec {
    /// Predecessor construct.
    pub source: String,
    /// Construct it explains.
    pub target: String,
}

impl PathSpec {
    /// Builds a path.
    pub fn new(source: impl Into<String>, target: impl Into<String>) -> Self {
        PathSpec {
            source: source.into(),
            target: target.into(),
        }
    }
}

/// A specification resolved against the data: block positions and adjacency.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// Construct names in specification order.
    pub names: Vec<String>,
    /// Mode of each construct.
    pub modes: Vec<Mode>,
    /// Positions (in analysis order) of each construct's items.
    pub blocks: Vec<Vec<usize>>,
    /// Item names in analysis order (block after block).
    pub items: Vec<String>,
    /// Data column of each analysis item.
    pub columns: Vec<usize>,
    /// Construct of each analysis item.
    pub block_of: Vec<usize>,
    /// `adjacency[i][j]` is true for a path i -> j.
    pub adjacency: Vec<Vec<bool>>,
    /// Paths `(source, target)` in the order the caller listed them.
    pub path_order: Vec<(usize, usize)>,
}

impl Layout {
    /// Resolves constructs and paths against data column names.
    ///
    /// # Errors
    /// [`Error::Empty`] for no constructs or a construct without items;
    /// [`Error::InvalidParameter`] for a repeated construct name, an item
    /// missing from the data or used twice, and a path that names an unknown
    /// construct, is a loop, repeats, or closes a cycle.
    pub fn new(
        constructs: &[ConstructSpec],
        paths: &[PathSpec],
        columns: &[String],
    ) -> Result<Layout> {
        if constructs.is_empty() {
            return Err(Error::Empty {
                what: "constructs".into(),
                needed: "pass at least one construct with its items".into(),
            });
        }
        let mut layout = Layout {
            names: Vec::new(),
            modes: Vec::new(),
            blocks: Vec::new(),
            items: Vec::new(),
            columns: Vec::new(),
            block_of: Vec::new(),
            adjacency: vec![vec![false; constructs.len()]; constructs.len()],
            path_order: Vec::new(),
        };
        for (j, c) in constructs.iter().enumerate() {
            if layout.names.contains(&c.name) {
                return Err(Error::invalid_parameter(
                    "constructs",
                    format!("{:?}", c.name),
                    "each construct needs a distinct name",
                ));
            }
            if c.items.is_empty() {
                return Err(Error::Empty {
                    what: format!("items of construct {:?}", c.name),
                    needed: "give every construct at least one item column".into(),
                });
            }
            let mut block = Vec::new();
            for item in &c.items {
                if layout.items.contains(item) {
                    return Err(Error::invalid_parameter(
                        format!("items of construct {:?}", c.name),
                        format!("{item:?}"),
                        "each item may belong to one construct only, once",
                    ));
                }
                let col = columns.iter().position(|n| n == item).ok_or_else(|| {
                    Error::invalid_parameter(
                        format!("items of construct {:?}", c.name),
                        format!("{item:?}"),
                        format!("a column of the data: {}", columns.join(", ")),
                    )
                })?;
                block.push(layout.items.len());
                layout.items.push(item.clone());
                layout.columns.push(col);
                layout.block_of.push(j);
            }
            layout.names.push(c.name.clone());
            layout.modes.push(c.mode);
            layout.blocks.push(block);
        }
        for path in paths {
            let find = |name: &str| {
                layout.names.iter().position(|n| n == name).ok_or_else(|| {
                    Error::invalid_parameter(
                        "paths",
                        format!("{} -> {}", path.source, path.target),
                        format!(
                            "construct {name:?} is not defined; constructs are {}",
                            layout.names.join(", ")
                        ),
                    )
                })
            };
            let (s, t) = (find(&path.source)?, find(&path.target)?);
            if s == t {
                return Err(Error::invalid_parameter(
                    "paths",
                    format!("{} -> {}", path.source, path.target),
                    "a path must join two different constructs",
                ));
            }
            if layout.adjacency[s][t] {
                return Err(Error::invalid_parameter(
                    "paths",
                    format!("{} -> {}", path.source, path.target),
                    "each path may be listed once",
                ));
            }
            layout.adjacency[s][t] = true;
            layout.path_order.push((s, t));
        }
        if let Some(name) = layout.cycle_member() {
            return Err(Error::invalid_parameter(
                "paths",
                format!("a cycle through {name:?}"),
                "a recursive model: PLS path modelling needs paths without cycles",
            ));
        }
        Ok(layout)
    }

    /// Number of constructs.
    pub fn n_constructs(&self) -> usize {
        self.names.len()
    }

    /// Number of items.
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// Constructs with a path into `j`.
    pub fn predecessors(&self, j: usize) -> Vec<usize> {
        (0..self.n_constructs())
            .filter(|&i| self.adjacency[i][j])
            .collect()
    }

    /// Constructs that `j` has a path into.
    pub fn successors(&self, j: usize) -> Vec<usize> {
        (0..self.n_constructs())
            .filter(|&i| self.adjacency[j][i])
            .collect()
    }

    /// True when `i` and `j` are joined by a path in either direction.
    pub fn linked(&self, i: usize, j: usize) -> bool {
        self.adjacency[i][j] || self.adjacency[j][i]
    }

    /// Finds a construct on a directed cycle, if any (Kahn's topological sort).
    fn cycle_member(&self) -> Option<String> {
        let n = self.n_constructs();
        let mut indegree: Vec<usize> = (0..n).map(|j| self.predecessors(j).len()).collect();
        let mut ready: Vec<usize> = (0..n).filter(|&j| indegree[j] == 0).collect();
        let mut seen = 0;
        while let Some(i) = ready.pop() {
            seen += 1;
            for j in self.successors(i) {
                indegree[j] -= 1;
                if indegree[j] == 0 {
                    ready.push(j);
                }
            }
        }
        if seen == n {
            None
        } else {
            (0..n)
                .find(|&j| indegree[j] > 0)
                .map(|j| self.names[j].clone())
        }
    }

    /// Links every pair of constructs (a saturated inner model), used when
    /// only the measurement model is evaluated.
    pub fn saturate(&mut self) {
        let n = self.n_constructs();
        for i in 0..n {
            for j in (i + 1)..n {
                if !self.linked(i, j) {
                    self.adjacency[i][j] = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<String> {
        ["a1", "a2", "b1", "c1"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn layout_resolves_blocks() {
        let cs = [
            ConstructSpec::new("A", &["a1", "a2"]),
            ConstructSpec::new("B", &["b1"]),
        ];
        let l = Layout::new(&cs, &[PathSpec::new("A", "B")], &cols()).unwrap();
        assert_eq!(l.blocks, vec![vec![0, 1], vec![2]]);
        assert_eq!(l.predecessors(1), vec![0]);
    }

    #[test]
    fn layout_rejects_bad_specs() {
        let cs = [
            ConstructSpec::new("A", &["a1", "a2"]),
            ConstructSpec::new("B", &["b1"]),
        ];
        let cycle = [PathSpec::new("A", "B"), PathSpec::new("B", "A")];
        assert!(Layout::new(&cs, &cycle, &cols()).is_err());
        assert!(Layout::new(&cs, &[PathSpec::new("A", "Z")], &cols()).is_err());
        assert!(Layout::new(&cs, &[PathSpec::new("A", "A")], &cols()).is_err());
        let missing_item = [ConstructSpec::new("A", &["zz"])];
        assert!(Layout::new(&missing_item, &[], &cols()).is_err());
        let empty = [ConstructSpec::new("A", &[])];
        assert!(matches!(
            Layout::new(&empty, &[], &cols()),
            Err(Error::Empty { .. })
        ));
        let shared = [
            ConstructSpec::new("A", &["a1"]),
            ConstructSpec::new("B", &["a1"]),
        ];
        assert!(Layout::new(&shared, &[], &cols()).is_err());
    }
}
