//! Sensitivity: how value responds to loyalty (elasticities, targets,
//! program ROI, scenario grids).
