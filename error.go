package tian

import (
	"errors"
	"fmt"
)

// Error codes. Every error a caller may act on carries one of these; the API
// maps each to an HTTP status and the client maps it back.
const (
	EINVALID   = "invalid"   // the input is malformed or out of range
	ENOTFOUND  = "not_found" // the thing asked for does not exist
	ECONFLICT  = "conflict"  // the change collides with the current state
	ETOOLARGE  = "too_large" // the input exceeds a limit
	EUNAUTH    = "unauthorized"
	EFORBIDDEN = "forbidden"
	EINTERNAL  = "internal" // a bug or an environment failure
	// ENOSPACE: the data directory's disk is (nearly) full; nothing was
	// written. Reads keep working.
	ENOSPACE = "insufficient_storage"
	// EUNAVAILABLE: the service cannot do this now (starting, busy, a
	// part is behind); try again later.
	EUNAVAILABLE = "unavailable"
	// ETIMEOUT: the work took longer than its deadline and was stopped;
	// anything committed before the deadline stays committed.
	ETIMEOUT   = "timeout"
	ERATELIMIT = "rate_limited"
)

// Error is the one error type of tian: a machine-readable code, a message
// that can be shown to a user, and the operation it came from.
type Error struct {
	Code    string
	Message string
	Op      string
	Err     error // the underlying cause, if any
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Op != "" {
		return fmt.Sprintf("%s: %s", e.Op, msg)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of err: the message of the
// first *Error in its chain, or a generic text for internal errors so that
// no internal detail leaks to users.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e) && e.Message != "":
		return e.Message
	default:
		return "内部错误"
	}
}
