package idcard

import (
	"strconv"

	"safetynet/internal/apperr"
)

// Reason says why an identity number was rejected.
type Reason uint8

// The reasons for rejecting an identity number. The zero Reason is not
// used, so that an *Error with Reason zero is recognisably unset.
const (
	_              Reason = iota
	WrongLength           // not 18 characters, nor 15 for a legacy number
	BadChar               // a character other than a digit, or X as the 18th
	WrongCheck            // the 18th character does not match the first 17
	ImpossibleDate        // the birth date is not a calendar date
	FutureDate            // the birth date is after today
	DateTooEarly          // the birth date is before 1880
	UnknownArea           // the area code is not a GB/T 2260 county-level code
)

var reasonText = [...]struct{ code, zh, en string }{
	WrongLength:    {"wrong_length", "身份证号码应为18位(旧号码为15位)", "ID number must have 18 characters (15 for a legacy number)"},
	BadChar:        {"bad_char", "身份证号码含有非法字符", "ID number contains an invalid character"},
	WrongCheck:     {"wrong_check", "身份证号码校验码错误", "wrong check digit in ID number"},
	ImpossibleDate: {"impossible_date", "身份证号码中的出生日期不存在", "birth date in ID number is not a real date"},
	FutureDate:     {"future_date", "身份证号码中的出生日期晚于今天", "birth date in ID number is in the future"},
	DateTooEarly:   {"date_too_early", "身份证号码中的出生日期早于1880年", "birth date in ID number is before 1880"},
	UnknownArea:    {"unknown_area", "身份证号码中的地址码无效", "unknown area code in ID number"},
}

func (r Reason) text() (code, zh, en string) {
	if r == 0 || int(r) >= len(reasonText) {
		return "invalid", "身份证号码无效", "invalid ID number"
	}
	t := reasonText[r]
	return t.code, t.zh, t.en
}

// String returns a stable machine code for the reason, e.g. "wrong_check".
func (r Reason) String() string {
	code, _, _ := r.text()
	return code
}

// Error is the error returned for an identity number that fails
// validation. It never holds the number itself, so it is safe to log.
type Error struct {
	Reason Reason
	Pos    int  // BadChar: 1-based position of the first bad character
	Want   byte // WrongCheck: the check character the first 17 digits require
}

// Sentinel errors, one per Reason, for use with errors.Is:
//
//	if errors.Is(err, idcard.ErrWrongCheck) { … }
//
// errors.Is matches on Reason alone, ignoring Pos and Want.
var (
	ErrWrongLength    = &Error{Reason: WrongLength}
	ErrBadChar        = &Error{Reason: BadChar}
	ErrWrongCheck     = &Error{Reason: WrongCheck}
	ErrImpossibleDate = &Error{Reason: ImpossibleDate}
	ErrFutureDate     = &Error{Reason: FutureDate}
	ErrDateTooEarly   = &Error{Reason: DateTooEarly}
	ErrUnknownArea    = &Error{Reason: UnknownArea}
)

// Error returns the English message with any detail, for logs.
func (e *Error) Error() string {
	s := "idcard: " + e.En()
	switch {
	case e.Reason == BadChar && e.Pos > 0:
		s += " (position " + strconv.Itoa(e.Pos) + ")"
	case e.Reason == WrongCheck && e.Want != 0:
		s += " (want " + string(e.Want) + ")"
	}
	return s
}

// Zh returns the user-safe message in Chinese.
func (e *Error) Zh() string { _, zh, _ := e.Reason.text(); return zh }

// En returns the user-safe message in English.
func (e *Error) En() string { _, _, en := e.Reason.text(); return en }

// Is reports whether target is an *Error with the same Reason, so that the
// sentinels work with errors.Is.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Reason == e.Reason
}

// As lets errors.As find an *apperr.Error in an *Error, so callers that only
// know apperr treat a bad identity number as Invalid input.
func (e *Error) As(target any) bool {
	if p, ok := target.(**apperr.Error); ok {
		*p = e.AppErr()
		return true
	}
	return false
}

// AppErr returns e as an Invalid *apperr.Error carrying the bilingual
// message, with e as its cause. Set the field with WithField.
func (e *Error) AppErr() *apperr.Error {
	return &apperr.Error{Kind: apperr.Invalid, Msg: e.Zh(), MsgEN: e.En(), Err: e}
}
