// Package registry is the social registry: households (户), their members
// and the persons behind them, identified by the 18-digit resident ID. A
// person belongs to at most one household at a time. Every read is scoped
// to the caller's jurisdiction and every change is audited.
package registry
