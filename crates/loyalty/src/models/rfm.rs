//! Transaction logs to per-customer summaries (`frequency`, `recency`, `T`,
//! `monetary_value`) in the convention of Fader and Hardie.
