package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"tian"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// stats answers the statistics of a year (absent or 0: all years) as
// {stats, report, title}, the report being the paragraph `tian stats`
// prints and the title naming the period (2024年提案统计);
// with format=xlsx, as the workbook of the same figures, named by the
// period (2024年提案统计.xlsx). The workbook is written in full before
// anything is sent, so a failure is still a JSON error.
func (s *Server) stats(c *gin.Context) {
	year, ok := s.queryInt(c, "year", 0)
	if !ok {
		return
	}
	if year != 0 && (year < 1000 || year > 9999) {
		s.failf(c, tian.EINVALID, "参数 year 须为四位年份（如 2024），不填则统计全部年度；收到 %q", c.Query("year"))
		return
	}
	xlsx, ok := s.wantsXLSX(c)
	if !ok {
		return
	}
	st, err := s.statsOf(c.Request.Context(), year, c.Query("include_other") == "true")
	if err != nil {
		s.fail(c, err)
		return
	}
	if !xlsx {
		c.JSON(http.StatusOK, gin.H{"stats": st, "report": st.Report(), "title": st.Title()})
		return
	}
	s.sendWorkbook(c, st.Title()+".xlsx", fmt.Sprintf("tian-stats-%s.xlsx", statsPeriod(st)), func(w io.Writer) error { return s.Export.ExportStats(w, st) })
}

// wantsXLSX reads the format of an endpoint that answers JSON (the
// default) or a workbook; false in ok when it answered 400.
func (s *Server) wantsXLSX(c *gin.Context) (xlsx, ok bool) {
	switch format := c.DefaultQuery("format", "json"); format {
	case "json":
		return false, true
	case "xlsx":
		return true, true
	default:
		s.failf(c, tian.EINVALID, "参数 format 须为 json 或 xlsx，收到 %q", format)
		return false, false
	}
}

// sendWorkbook sends a workbook as a download named name (fallback: the
// ASCII name for clients that do not read filename*). It is written in
// full first, so that a failure is still a JSON error.
func (s *Server) sendWorkbook(c *gin.Context, name, fallback string, write func(io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", attachment(name, fallback))
	c.Data(http.StatusOK, xlsxType, buf.Bytes())
}

// statsPeriod names the period in ASCII, for the fallback file name.
func statsPeriod(st *tian.Stats) string {
	switch {
	case st.Year != 0:
		return fmt.Sprint(st.Year)
	case st.FromYear != 0:
		return fmt.Sprintf("%d-%d", st.FromYear, st.ToYear)
	}
	return "all"
}

// attachment is a Content-Disposition for a download named name, with
// an ASCII fallback for clients that do not read RFC 5987's filename*.
func attachment(name, fallback string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, encodeRFC5987(name))
}

// encodeRFC5987 percent-encodes the UTF-8 bytes of s but RFC 5987's
// attr-char (letters, digits and !#$&+-.^_`|~).
func encodeRFC5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
