package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"tian"
)

// Codes the API gives besides tian's own.
const (
	// EUNSUPPORTED: the body's media type is not the one the route reads.
	EUNSUPPORTED = "unsupported_media_type"
	// ECROSSORIGIN: a write from another origin (CSRF defence).
	ECROSSORIGIN = "cross_origin"
)

// codes maps error codes to HTTP statuses; the client maps them back.
var codes = map[string]int{
	tian.EINVALID:     http.StatusBadRequest,
	tian.ENOTFOUND:    http.StatusNotFound,
	tian.ECONFLICT:    http.StatusConflict,
	tian.ETOOLARGE:    http.StatusRequestEntityTooLarge,
	tian.EUNAUTH:      http.StatusUnauthorized,
	tian.EFORBIDDEN:   http.StatusForbidden,
	tian.EINTERNAL:    http.StatusInternalServerError,
	tian.ENOSPACE:     http.StatusInsufficientStorage,
	tian.EUNAVAILABLE: http.StatusServiceUnavailable,
	tian.ETIMEOUT:     http.StatusGatewayTimeout,
	tian.ERATELIMIT:   http.StatusTooManyRequests,
	EUNSUPPORTED:      http.StatusUnsupportedMediaType,
	ECROSSORIGIN:      http.StatusForbidden,
}

// maxMessageRunes bounds an error's message: one that quotes a huge
// input (a 10,000-digit number, a megabyte name) is cut.
const maxMessageRunes = 1000

// ErrorResponse is the body of every error.
type ErrorResponse struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// fail writes err as JSON with its status. Internal errors are logged and
// answered with a generic message; an expired deadline is a 504 that says
// so, never an internal error.
func (s *Server) fail(c *gin.Context, err error) {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		err = tian.Errorf(tian.ETOOLARGE, "请求内容超过 %d 字节的上限", mbe.Limit)
	case tian.ErrorCode(err) == tian.EINTERNAL && errors.Is(err, context.DeadlineExceeded):
		err = tian.Errorf(tian.ETIMEOUT, "处理超过 %s 仍未完成，已停止；请缩小范围后重试", s.Config.RequestTimeout)
	case tian.ErrorCode(err) == tian.EINTERNAL && errors.Is(err, context.Canceled):
		err = tian.Errorf(tian.EUNAVAILABLE, "请求已取消")
	}
	code := tian.ErrorCode(err)
	status, ok := codes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := tian.ErrorMessage(err)
	if status >= 500 {
		s.Logger.Error("request failed", "request_id", c.GetString(ctxRequestID), "route", c.FullPath(), "err", err.Error())
		if code == tian.EINTERNAL {
			msg = "服务内部错误，已记录；请把请求编号告诉管理员"
		}
	}
	if r := []rune(msg); len(r) > maxMessageRunes { // a refusal quoting a huge input quotes its start
		msg = string(r[:maxMessageRunes]) + "……"
	}
	c.AbortWithStatusJSON(status, ErrorResponse{Code: code, Message: msg, RequestID: c.GetString(ctxRequestID)})
}

func (s *Server) failf(c *gin.Context, code, format string, args ...any) {
	s.fail(c, tian.Errorf(code, format, args...))
}
