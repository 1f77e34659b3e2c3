// Package access knows who may do what, where: users with a role bound to a
// jurisdiction (a division code), their passwords (argon2id), sessions and
// API tokens, login throttling and lockout. Every other service asks a
// Principal whether it may act (Require → Forbidden) and whether a record
// lies within its jurisdiction (Covers → callers answer NotFound, so that
// another county's records are never revealed to exist).
package access
