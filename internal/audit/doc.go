// Package audit keeps the append-only, hash-chained log of every change and
// every view of sensitive data: who (user, role, jurisdiction), when, what,
// and the state before and after. Each entry's hash covers its own fields
// and the previous entry's hash, so an edited, inserted or deleted row
// breaks the chain and Verify names the first entry where it breaks.
package audit
