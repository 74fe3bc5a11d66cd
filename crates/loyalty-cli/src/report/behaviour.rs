//! Report section: behaviour.

use super::{ReportArgs, Section};
use crate::CliError;

/// Builds this section (none yet).
pub fn build(_args: &ReportArgs) -> Result<Vec<Section>, CliError> {
    Ok(Vec::new())
}
