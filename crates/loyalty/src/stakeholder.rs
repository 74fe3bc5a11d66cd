//! [`Stakeholder`] groups: the same toolkit serves each of them.

use serde::{Deserialize, Serialize};

/// A stakeholder group whose loyalty is measured.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Stakeholder {
    /// Buyers of the firm's products or services (NPS).
    #[default]
    Customers,
    /// Staff (eNPS, tenure, turnover).
    Employees,
    /// Holders of the firm's shares or debt (holding period, turnover).
    Investors,
    /// Firms that supply goods or services (contract retention).
    Suppliers,
    /// Any other named group, e.g. "dealers".
    Other(String),
}

impl Stakeholder {
    /// Parses a group name; names other than the four standard groups become
    /// [`Stakeholder::Other`].
    pub fn parse(name: &str) -> Self {
        match name.trim().to_ascii_lowercase().as_str() {
            "customers" | "customer" => Stakeholder::Customers,
            "employees" | "employee" | "staff" => Stakeholder::Employees,
            "investors" | "investor" => Stakeholder::Investors,
            "suppliers" | "supplier" => Stakeholder::Suppliers,
            _ => Stakeholder::Other(name.trim().to_string()),
        }
    }

    /// Name of the group as used in reports.
    pub fn name(&self) -> &str {
        match self {
            Stakeholder::Customers => "customers",
            Stakeholder::Employees => "employees",
            Stakeholder::Investors => "investors",
            Stakeholder::Suppliers => "suppliers",
            Stakeholder::Other(name) => name,
        }
    }

    /// Name of the recommend index for this group: "eNPS" for employees,
    /// "NPS" otherwise.
    pub fn nps_name(&self) -> &'static str {
        match self {
            Stakeholder::Employees => "eNPS",
            _ => "NPS",
        }
    }
}

impl std::fmt::Display for Stakeholder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_names() {
        for g in [
            "customers",
            "employees",
            "investors",
            "suppliers",
            "dealers",
        ] {
            assert_eq!(Stakeholder::parse(g).name(), g);
        }
        assert_eq!(Stakeholder::parse("Employee").nps_name(), "eNPS");
    }
}
