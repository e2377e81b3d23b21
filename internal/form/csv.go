package form

import (
	"strings"
	"unicode"
)

// CSVSafe keeps spreadsheet programs from running a cell of an export as a formula: a cell that starts
// with a tab or carriage return, or whose first character after white space is a formula character
// (ASCII, or full-width, which some programs fold to ASCII), gets a leading apostrophe.
func CSVSafe(s string) string {
	if strings.HasPrefix(s, "\t") || strings.HasPrefix(s, "\r") {
		return "'" + s
	}
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	if t != "" && strings.ContainsRune("=+-@＝＋－＠", []rune(t)[0]) {
		return "'" + s
	}
	return s
}
