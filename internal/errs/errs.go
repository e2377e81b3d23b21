// Package errs is the one way domain packages report failures: a code the web layer maps to an HTTP
// status and an error page, and for invalid input the message id of each wrong field, translated by
// the web layer into the person's language.
package errs

import (
	"errors"
	"fmt"
	"slices"
)

// Code classifies an error.
type Code string

// The codes, mapped to 400, 404, 403, 409, 500 and 401 in internal/web.
const (
	Invalid   Code = "invalid"
	NotFound  Code = "not_found"
	Forbidden Code = "forbidden"
	Conflict  Code = "conflict"
	Internal  Code = "internal"
	// Unauthenticated: a machine client's credentials are missing, unknown, revoked or expired (401).
	Unauthenticated Code = "unauthenticated"
)

// Error is a coded domain error.
type Error struct {
	Code    Code
	Message string            // message id (i18n) for the whole error
	Fields  map[string]string // field name → message id, for Invalid
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// New returns an error with a code and a message id.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// CodeOf returns the code of err, Internal for errors that carry none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is says whether err's code is one of codes (an error without a code counts as Internal).
func Is(err error, codes ...Code) bool { return err != nil && slices.Contains(codes, CodeOf(err)) }

// As returns err's coded error when its code is one of codes, else nil: a refusal a page shows, with its
// message and fields.
func As(err error, codes ...Code) *Error {
	var e *Error
	if errors.As(err, &e) && slices.Contains(codes, e.Code) {
		return e
	}
	return nil
}

// Validation collects field problems; Err returns nil when there are none.
type Validation map[string]string

// Add records the first problem of a field.
func (v Validation) Add(field, message string) {
	if _, ok := v[field]; !ok {
		v[field] = message
	}
}

// Err returns an Invalid error listing the fields, or nil.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "error.form_invalid", Fields: v}
}
