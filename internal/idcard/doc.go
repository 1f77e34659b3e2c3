// Package idcard parses and validates Chinese resident identity numbers
// (居民身份证号码, GB 11643-1999).
//
// The identity number is how SafetyNet recognises a person across
// households, programmes and external verification feeds, so a mistyped
// number silently splits one person into two, or merges two people into
// one. This package exists so that every number is checked once, at the
// edge, and is carried as an [ID] in canonical form from then on:
//
//   - Typing noise is normalised (surrounding spaces, full-width digits and
//     Ｘ, lower-case x), and a 15-digit legacy number is upgraded to the
//     18-digit number of the same person, so both forms compare equal.
//   - The ISO 7064 MOD 11-2 check character catches every single-digit
//     error and almost every swap of adjacent digits.
//   - The birth date and area code are checked for plausibility, because
//     the check character cannot catch a number that was invented.
//
// Every rejection is an [*Error] whose [Reason] says why, with a message in
// Chinese and in English; it also satisfies errors.As to [*apperr.Error] of
// kind Invalid, so the web layer needs no special case.
//
// An identity number is sensitive personal information under the Personal
// Information Protection Law (个人信息保护法, art. 28). Show [ID.Mask] rather
// than the full number wherever the full number is not needed; an ID logged
// through log/slog is masked automatically.
//
// [Pack] turns an ID into a uint64 for the bulk matching engine, where a
// fixed-size integer key is far cheaper to hash and compare than a string.
package idcard
