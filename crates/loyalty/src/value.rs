//! Value: money attached to loyalty (CLV, profit build-up, customer equity,
//! turnover cost, Markov customer value).
