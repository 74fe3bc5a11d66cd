//! Feedback: reason codes for defection and closed-loop follow-up.
//!
//! TODO: no reason-code analysis is implemented yet; no open issue asks for it.
