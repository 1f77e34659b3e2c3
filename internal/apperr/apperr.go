// Package apperr classifies errors for every caller: the web layer maps a
// Kind to an HTTP status, the CLI maps it to an exit code, and the user sees
// only the safe, bilingual message, never a driver's text.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error.
type Kind uint8

const (
	Internal     Kind = iota // unexpected; the detail is logged, never shown
	Invalid                  // input fails validation
	NotFound                 // unknown, or outside the caller's jurisdiction
	Conflict                 // duplicate, stale version, or wrong state for the action
	Forbidden                // the caller's role may not take this action
	Unauthorized             // no valid credentials
	Unavailable              // transient; safe to retry
	TooMany                  // rate limited or locked out
)

var kindCodes = [...]string{
	Internal:     "internal",
	Invalid:      "invalid",
	NotFound:     "not_found",
	Conflict:     "conflict",
	Forbidden:    "forbidden",
	Unauthorized: "unauthorized",
	Unavailable:  "unavailable",
	TooMany:      "too_many_requests",
}

// String returns the stable machine code of the kind, as used in the API's
// error object.
func (k Kind) String() string {
	if int(k) < len(kindCodes) {
		return kindCodes[k]
	}
	return "internal"
}

// Error is an application error. Msg (Chinese) and MsgEN are safe to show
// to end users; Err is for logs only.
type Error struct {
	Kind  Kind
	Op    string // the operation, e.g. "registry.Service.CreateHousehold"
	Field string // the offending input field, e.g. "members[1].id_number"
	Msg   string // user-safe message in Chinese
	MsgEN string // user-safe message in English
	Err   error  // the underlying cause, for logs
}

func (e *Error) Error() string {
	s := e.Kind.String()
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Field != "" {
		s += " [" + e.Field + "]"
	}
	if e.MsgEN != "" {
		s += ": " + e.MsgEN
	} else if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind with a bilingual user message.
func New(kind Kind, zh, en string) *Error {
	return &Error{Kind: kind, Msg: zh, MsgEN: en}
}

// Field returns an Invalid error naming the offending field.
func Field(field, zh, en string) *Error {
	return &Error{Kind: Invalid, Field: field, Msg: zh, MsgEN: en}
}

// Wrap returns an error of kind that keeps cause for the logs.
func Wrap(kind Kind, cause error, zh, en string) *Error {
	return &Error{Kind: kind, Msg: zh, MsgEN: en, Err: cause}
}

// Errorf returns an Internal error with a formatted cause.
func Errorf(format string, args ...any) *Error {
	return &Error{Kind: Internal, Err: fmt.Errorf(format, args...)}
}

// WithOp returns a copy of e with Op set; handy when a lower layer's error
// passes through a service.
func (e *Error) WithOp(op string) *Error {
	c := *e
	c.Op = op
	return &c
}

// WithField returns a copy of e with Field set (or prefixed, when the field
// belongs to a nested value: prefix "members[1]" + "id_number").
func (e *Error) WithField(field string) *Error {
	c := *e
	switch {
	case c.Field == "":
		c.Field = field
	case field != "":
		c.Field = field + "." + c.Field
	}
	return &c
}

// NotFoundf and friends are the common shortcuts.
var (
	ErrNotFound     = New(NotFound, "未找到", "not found")
	ErrForbidden    = New(Forbidden, "无权执行此操作", "you may not perform this action")
	ErrUnauthorized = New(Unauthorized, "请先登录", "authentication required")
)

// As returns err as an *Error if it is or wraps one.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// KindOf returns the Kind of err; Internal for errors that are not *Error,
// and for nil the zero Kind (Internal) too, so check err != nil first.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is an *Error of kind.
func Is(err error, kind Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == kind
}

// FieldOf returns the field an Invalid error names, or "".
func FieldOf(err error) string {
	if e, ok := As(err); ok {
		return e.Field
	}
	return ""
}

// Message returns the user-safe message of err in the language lang ("zh"
// or "en"); internal errors get a generic message so no detail leaks.
func Message(err error, lang string) string {
	e, ok := As(err)
	if !ok || e.Kind == Internal || (e.Msg == "" && e.MsgEN == "") {
		if lang == "en" {
			return "internal error"
		}
		return "系统内部错误"
	}
	if lang == "en" && e.MsgEN != "" {
		return e.MsgEN
	}
	if e.Msg != "" {
		return e.Msg
	}
	return e.MsgEN
}
