// Package document renders the printable papers of a case as A4 PDFs in
// Chinese: the intake receipt (受理回执), the public-notice roster
// (公示名单), the approval or refusal notice (确认通知书 / 不予救助决定
// 通知书) and the benefit certificate (低保证 / 特困供养证).
//
// Every renderer is a pure function of a plain input struct defined here,
// so the package depends on no domain package: the web layer maps a case
// onto these structs (masking resident IDs first) and streams the result.
// The output is deterministic: the PDF's creation date comes from the
// input, so the same input gives the same bytes.
//
// Text is set in WenQuanYi Micro Hei (fonts/README.md), embedded in the
// binary; fpdf writes only the glyphs a document uses.
package document
