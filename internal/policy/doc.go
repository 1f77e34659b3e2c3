// Package policy holds the versioned policy parameters of social assistance
// (dibao standards, 特困 care amounts, medical-assistance ratios and caps,
// procedure deadlines…) and the pure benefit calculators that use them.
//
// Policy is data: a [Version] is a full [Params] set for one region from an
// effective date on, a [Dataset] is a set of versions, and
// [Dataset.Resolve] picks the version in force for a region and date, the
// most specific region first (village → township → county → prefecture →
// province). The default Yunnan dataset ships embedded as JSON
// (data/yunnan.json); every value that the rules reference (RULES.md) marks
// as unverified is listed in the version's Unverified field, and each
// section of the parameters carries a source note.
//
// The calculators ([Dibao], [Tekun], [Medical], [Temporary], [Education],
// [Housing], [Employment]) take explicit inputs and, optionally, the policy
// version to fill what the inputs leave out; explicit inputs always win, and
// a value that neither gives is an Invalid error naming the field. Money is
// money.Money (int64 fen) throughout; ratios are exact fractions, so no
// amount is ever computed in floating point.
//
// [DecodeRequest] and [Calculate] implement the calculation contract of
// DESIGN.md (POST /api/v1/calculate and `safetynet calc`).
package policy
