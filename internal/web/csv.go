package web

import "github.com/hromada/hromada/internal/form"

// CSVSafe keeps spreadsheet programs from running a cell of an export as a formula (form.CSVSafe).
func CSVSafe(s string) string { return form.CSVSafe(s) }

// CSVBOM starts a UTF-8 CSV file, so spreadsheet programs read Cyrillic as UTF-8.
const CSVBOM = "\uFEFF"
