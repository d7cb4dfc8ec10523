package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"tian"
)

// codes maps tian's error codes to HTTP statuses; the client maps them
// back.
var codes = map[string]int{
	tian.EINVALID:   http.StatusBadRequest,
	tian.ENOTFOUND:  http.StatusNotFound,
	tian.ECONFLICT:  http.StatusConflict,
	tian.ETOOLARGE:  http.StatusRequestEntityTooLarge,
	tian.EUNAUTH:    http.StatusUnauthorized,
	tian.EFORBIDDEN: http.StatusForbidden,
	tian.EINTERNAL:  http.StatusInternalServerError,
	"rate_limited":  http.StatusTooManyRequests,
}

// ErrorResponse is the body of every error.
type ErrorResponse struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// fail writes err as JSON with its status. Internal errors are logged and
// answered with a generic message.
func (s *Server) fail(c *gin.Context, err error) {
	code := tian.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code, err = tian.ETOOLARGE, tian.Errorf(tian.ETOOLARGE, "the request body is larger than %d bytes", mbe.Limit)
	}
	status, ok := codes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.Logger.Error("request failed", "request_id", c.GetString(ctxRequestID), "route", c.FullPath(), "err", err.Error())
	}
	c.AbortWithStatusJSON(status, ErrorResponse{Code: code, Message: tian.ErrorMessage(err), RequestID: c.GetString(ctxRequestID)})
}

func (s *Server) failf(c *gin.Context, code, format string, args ...any) {
	s.fail(c, tian.Errorf(code, format, args...))
}
