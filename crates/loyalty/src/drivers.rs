//! Drivers: which performance dimensions explain loyalty or satisfaction.
