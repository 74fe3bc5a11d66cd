//! Empirical retention: cohort tables, Kaplan-Meier, hazards, log-rank tests.
