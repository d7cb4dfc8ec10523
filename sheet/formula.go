package sheet

import (
	"strings"
	"unicode"
)

// formulaStart reports whether a spreadsheet would take text starting
// with r as a formula (or, for tab and CR, shift it into one): Excel, WPS
// and LibreOffice run "=HYPERLINK(…)" typed or opened from a CSV.
func formulaStart(r byte) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// safeCell makes exported text safe to open and sure to import back.
// Control characters other than newline and tab are dropped (tian's CSV
// import refuses them as binary, and XML cannot hold most of them; a lone
// CR or a CRLF becomes a newline), invalid UTF-8 becomes U+FFFD, and text
// a spreadsheet would run as a formula gets a leading ', which Excel and
// WPS show as text and cellText takes off again on import.
func safeCell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, dropped) >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
		s = strings.Map(func(r rune) rune {
			if dropped(r) {
				return -1
			}
			return r
		}, s)
	}
	if s != "" && formulaStart(s[0]) {
		return "'" + s
	}
	return s
}

// dropped are the characters safeCell removes: controls but newline and
// tab, and the two non-characters XML forbids.
func dropped(r rune) bool {
	return (unicode.IsControl(r) && r != '\n' && r != '\t') || r == '\uFFFE' || r == '\uFFFF'
}

// cellText reads a sheet or CSV cell back: a ' that neutralises a formula
// (one followed by =, +, -, @, tab or CR) is taken off, so an exported
// file imports as it was; any other leading ' is text and stays
// ("'十四五'规划").
func cellText(s string) string {
	if len(s) > 1 && s[0] == '\'' && formulaStart(s[1]) {
		return s[1:]
	}
	return s
}
