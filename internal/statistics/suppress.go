package statistics

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hromada/hromada/internal/report"
)

// Threshold is the smallest count published in a cell that could point to a person: 1 to Threshold-1
// are hidden, 0 is shown (nobody is described by it).
const Threshold = 5

// Kinds of hidden cell.
const (
	Small         = "small"         // the count is 1–4
	Complementary = "complementary" // hidden so that a small one cannot be computed from a published sum
)

// Cells marks the hidden cells of one breakdown: code (or a table's column) → kind.
type Cells map[string]string

// Hidden is what one period's figures do not publish.
type Hidden struct {
	// Dims: breakdowns of codes to counts (by_gender, by_settlement…), code → kind.
	Dims map[string]Cells `json:"dimensions"`
	// Tables: breakdowns of rows of counts (form1_by_settlement…), row key → column → kind.
	Tables map[string]map[string]Cells `json:"tables"`
}

// Of is the kind of a hidden cell of a breakdown, "" when it is published.
func (h Hidden) Of(dim, code string) string { return h.Dims[dim][code] }

// Cell is the kind of a hidden cell of a table, "" when it is published.
func (h Hidden) Cell(table, row, column string) string { return h.Tables[table][row][column] }

// whole are the report's keys published as they are: totals, and what describes the appeal rather than
// its author (channels, types, natures, signs, results, subjects, Form 1 by channel and Form 2).
var whole = []string{"period", "appeals", "questions", "citizens", "by_channel", "by_type", "by_nature", "by_sign",
	"by_result", "by_subject", "overdue", "term_breaches", "petitions", "appeals_without_questions", "form1", "form2",
	"issues", "suppressed", "department_names", "settlement_names", "generated_at"}

// personal are the breakdowns by who the author is, where they live, and which office handled the
// appeal: in a small community one appeal from a person with a disability in a village, or the only
// appeal a small department handled, points to a person. additive says the codes add up to the appeals
// (a published total), so one hidden cell needs a second; categories do not add up (an author may hold
// several). Form 1 by settlement is a table of its own (hideTable), and by_settlement its total column.
var personal = []struct {
	key      string
	additive bool
}{{"by_gender", true}, {"by_category", false}, {"by_social_status", true}, {"by_department", true}}

// settlementForm is Form 1 by settlement's key.
const settlementForm = "form1_by_settlement"

// hide works out the hidden cells of one period's figures as the report's JSON has them. A breakdown the
// report gains later and this file does not know is hidden as a personal one: its counts from 1 to 4
// (with a second cell where a code map would have one hidden), since whether it could point to a person
// is not known here; name it in whole to publish it as it is.
func hide(f map[string]any) Hidden {
	h := Hidden{Dims: map[string]Cells{}, Tables: map[string]map[string]Cells{}}
	for _, d := range personal {
		m := counts(f[d.key])
		cells := small(m)
		if d.additive && len(cells) == 1 {
			complement(m, cells)
		}
		h.Dims[d.key] = cells
	}
	h.Tables[settlementForm] = hideTable(readTable(f[settlementForm]), rowSums, report.Columns)
	// by_settlement is Form 1 by settlement's total column: the same cells are hidden.
	bySettlement := Cells{}
	for row, cells := range h.Tables[settlementForm] {
		if k := cells["total"]; k != "" {
			bySettlement[row] = k
		}
	}
	h.Dims["by_settlement"] = bySettlement
	for k, v := range f {
		if slices.Contains(whole, k) || h.Dims[k] != nil || h.Tables[k] != nil || isFigures(v) {
			continue
		}
		if m, ok := codeCounts(v); ok {
			cells := small(m)
			if len(cells) == 1 {
				complement(m, cells)
			}
			h.Dims[k] = cells
		} else if t := readTable(v); len(t) > 0 {
			h.Tables[k] = hideTable(t, nil, nil)
		}
	}
	return h
}

// small marks the counts from 1 to Threshold-1.
func small(m map[string]int64) Cells {
	cells := Cells{}
	for k, v := range m {
		if v > 0 && v < Threshold {
			cells[k] = Small
		}
	}
	return cells
}

// complement hides the smallest positive published count among keys (the first in order on a tie), so
// a lone hidden count cannot be had by subtracting the others from a published sum. When every other
// count is zero a zero is hidden: the sum then lies between two cells and neither is known; false when
// there is nothing left to hide.
func complement(m map[string]int64, cells Cells) bool {
	keys := slices.Sorted(maps.Keys(m))
	best := ""
	for _, k := range keys {
		if cells[k] == "" && (best == "" || m[best] == 0 && m[k] > 0 || m[k] > 0 && m[k] < m[best]) {
			best = k
		}
	}
	if best == "" {
		return false
	}
	cells[best] = Complementary
	return true
}

// table is a breakdown of rows: row key → column → count. Form 1 by settlement's has no total row (Form 1's
// total publishes it anyway).
type table map[string]map[string]int64

// rowSums are the column groups of a row that add up to its total: types and results (report.Issue's
// identities "types" and "results").
var rowSums = [][]string{
	{"proposal", "application", "complaint", "total"},
	{"resolved", "refused", "explained", "other_result", "pending", "total"},
}

// hideTable hides the small cells of a table and then, until nothing changes, a second cell of every sum
// with exactly one hidden: within a row (the groups of columns that add up, for Form 1 by settlement its
// types and its results to the row's total) and within each of columns (the rows add up to Form 1's
// published total row). The hidden cells only grow, so it ends.
func hideTable(t table, groups [][]string, columns []string) map[string]Cells {
	out := map[string]Cells{}
	for row, cols := range t {
		out[row] = small(cols)
	}
	type ref struct{ row, col string }
	var sums [][]ref
	rows := slices.Sorted(maps.Keys(t))
	for _, row := range rows {
		for _, group := range groups {
			var s []ref
			for _, col := range group {
				s = append(s, ref{row, col})
			}
			sums = append(sums, s)
		}
	}
	for _, col := range columns {
		var s []ref
		for _, row := range rows {
			s = append(s, ref{row, col})
		}
		sums = append(sums, s)
	}
	for changed := true; changed; {
		changed = false
		for _, s := range sums {
			hidden := 0
			values := map[string]int64{}
			cells := Cells{}
			for _, r := range s {
				key := r.row + "\x1f" + r.col
				values[key] = t[r.row][r.col]
				if k := out[r.row][r.col]; k != "" {
					hidden++
					cells[key] = k
				}
			}
			if hidden != 1 || !complement(values, cells) {
				continue
			}
			for key, k := range cells {
				row, col, _ := strings.Cut(key, "\x1f")
				if out[row][col] == "" {
					out[row][col] = k
				}
			}
			changed = true
		}
	}
	for row, cells := range out {
		if len(cells) == 0 {
			delete(out, row)
		}
	}
	return out
}

// counts reads a breakdown of the report's JSON (code → count); what is not a count is left out.
func counts(v any) map[string]int64 {
	m, _ := v.(map[string]any)
	out := make(map[string]int64, len(m))
	for k, x := range m {
		if n, ok := number(x); ok {
			out[k] = n
		}
	}
	return out
}

func number(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// readTable reads a table of the report's JSON: Form 1's shape ({"rows": [...]}, its total row left out),
// a list of objects or a map of objects, each row named as rowKey names it; its whole-number fields are
// the columns.
func readTable(v any) table {
	t := table{}
	add := func(key string, row map[string]any) {
		cols := map[string]int64{}
		for col, x := range row {
			if n, ok := number(x); ok {
				cols[col] = n
			}
		}
		if len(cols) > 0 && key != report.RowTotal {
			t[key] = cols
		}
	}
	for key, row := range rowsOf(v) {
		add(key, row)
	}
	return t
}

// rowsOf lists a table's rows by key: the rows of Form 1's shape or of a list, or a map's objects.
func rowsOf(v any) map[string]map[string]any {
	out := map[string]map[string]any{}
	switch x := v.(type) {
	case map[string]any:
		if rows, ok := x["rows"].([]any); ok {
			return rowsOf(rows)
		}
		for k, r := range x {
			if row, ok := r.(map[string]any); ok {
				out[k] = row
			}
		}
	case []any:
		for i, r := range x {
			if row, ok := r.(map[string]any); ok {
				out[rowKey(row, i)] = row
			}
		}
	}
	return out
}

// rowKey names a row of a list: its code, else its key, else its place.
func rowKey(row map[string]any, i int) string {
	if c, ok := row["code"].(string); ok && c != "" {
		return c
	}
	if k, ok := row["key"].(string); ok && k != "" {
		return k
	}
	return strconv.Itoa(i)
}

// codeCounts reads a map of codes to counts; false when v is not one.
func codeCounts(v any) (map[string]int64, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, false
	}
	for _, x := range m {
		if _, ok := number(x); !ok && x != nil {
			return nil, false
		}
	}
	return counts(m), true
}

// apply blanks the hidden cells of one period's figures (null, so a reader cannot take them for zero)
// and says which they are under "suppressed". A broken identity of a settlement's row names its sums,
// which could give a hidden cell: those keep the identity and lose the figures.
func apply(f map[string]any, h Hidden) {
	for dim, cells := range h.Dims {
		if m, ok := f[dim].(map[string]any); ok {
			for code := range cells {
				m[code] = nil
			}
		}
	}
	for name, rows := range h.Tables {
		for key, row := range rowsOf(f[name]) {
			for col := range rows[key] {
				row[col] = nil
			}
		}
	}
	issues, _ := f["issues"].([]any)
	for _, i := range issues {
		issue, _ := i.(map[string]any)
		if row, _ := issue["row"].(string); strings.HasPrefix(row, report.SettlementRow) {
			issue["got"], issue["want"] = nil, nil
		}
	}
	f["suppressed"] = h
}

// isFigures tells a period's figures in the report's JSON (the period itself, the year earlier, and
// any other period a later version of the report puts beside them) by the breakdowns it carries.
func isFigures(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, a := m[settlementForm]
	_, b := m["by_gender"]
	return a && b
}
