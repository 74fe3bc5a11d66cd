//! Cycle: the reinforcing loop between the groups' loyalty (employees,
//! customers, investors, suppliers).
//!
//! TODO: no simulation is implemented yet; no open issue asks for it.
