//! Separation: keeping satisfaction and loyalty apart (quadrants, response
//! curve, construct validity, satisfaction index models).
