package web

import "strings"

// CSVSafe keeps spreadsheet programs from running a cell of an export as a formula: a cell that starts
// with one of the formula characters gets a leading apostrophe.
func CSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSVBOM starts a UTF-8 CSV file, so spreadsheet programs read Cyrillic as UTF-8.
const CSVBOM = "\uFEFF"
