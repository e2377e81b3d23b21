package statistics

import (
	"encoding/json"
	"maps"
	"slices"
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

// Cells marks the hidden cells of one breakdown: code (or Form 1's column) → kind.
type Cells map[string]string

// Hidden is what one period's figures do not publish.
type Hidden struct {
	// Dims: by_gender, by_category, by_social_status, by_department and by_settlement, code → kind.
	Dims map[string]Cells `json:"dimensions"`
	// Form1BySettlement: row key (by_settlement's) → column → kind.
	Form1BySettlement map[string]Cells `json:"form1_by_settlement"`
}

// Of is the kind of a hidden cell of a breakdown, "" when it is published.
func (h Hidden) Of(dim, code string) string { return h.Dims[dim][code] }

// Cell is the kind of a hidden cell of Form 1 by settlement, "" when it is published.
func (h Hidden) Cell(row, column string) string { return h.Form1BySettlement[row][column] }

// personal are the breakdowns by who the author is, where they live, and which office handled the
// appeal: in a small community one appeal from a person with a disability in a village, or the only
// appeal a small department handled, points to a person. The rest (channels, types, natures, signs,
// results, subjects, Form 1 by channel) describe the appeal, not its author, and are published whole.
// additive says the codes add up to the appeals (a published total), so one hidden cell needs a second;
// categories do not add up (an author may hold several).
var personal = []struct {
	key      string
	additive bool
}{{"by_gender", true}, {"by_category", false}, {"by_social_status", true}, {"by_department", true}}

// hide works out the hidden cells of one period's figures as the report's JSON has them.
func hide(f map[string]any) Hidden {
	h := Hidden{Dims: map[string]Cells{}, Form1BySettlement: map[string]Cells{}}
	for _, d := range personal {
		m := counts(f[d.key])
		cells := small(m)
		if d.additive && len(cells) == 1 {
			complement(m, cells)
		}
		h.Dims[d.key] = cells
	}
	h.Form1BySettlement = hideTable(settlementTable(f["form1_by_settlement"]))
	// by_settlement is Form 1 by settlement's total column: the same cells are hidden.
	bySettlement := Cells{}
	for row, cells := range h.Form1BySettlement {
		if k := cells["total"]; k != "" {
			bySettlement[row] = k
		}
	}
	h.Dims["by_settlement"] = bySettlement
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

// table is Form 1 by settlement: row key → column → count, without its total row (which Form 1's total
// publishes anyway).
type table map[string]map[string]int64

// rowSums are the column groups of a row that add up to its total: types and results (report.Issue's
// identities "types" and "results").
var rowSums = [][]string{
	{"proposal", "application", "complaint", "total"},
	{"resolved", "refused", "explained", "other_result", "pending", "total"},
}

// hideTable hides the small cells of Form 1 by settlement and then, until nothing changes, a second cell
// of every sum with exactly one hidden: within a row (types and results add up to the row's total) and
// within a column (the rows add up to the published total row). The hidden cells only grow, so it ends.
func hideTable(t table) map[string]Cells {
	out := map[string]Cells{}
	for row, cols := range t {
		out[row] = small(cols)
	}
	type ref struct{ row, col string }
	var sums [][]ref
	rows := slices.Sorted(maps.Keys(t))
	for _, row := range rows {
		for _, group := range rowSums {
			var s []ref
			for _, col := range group {
				s = append(s, ref{row, col})
			}
			sums = append(sums, s)
		}
	}
	for _, col := range report.Columns {
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

// settlementTable reads Form 1 by settlement's rows from the report's JSON.
func settlementTable(v any) table {
	t := table{}
	form, _ := v.(map[string]any)
	rows, _ := form["rows"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		key, _ := row["key"].(string)
		if key == "" {
			continue
		}
		cols := map[string]int64{}
		for _, col := range report.Columns {
			cols[col], _ = number(row[col])
		}
		t[key] = cols
	}
	return t
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
	if form, ok := f["form1_by_settlement"].(map[string]any); ok {
		rows, _ := form["rows"].([]any)
		for _, r := range rows {
			row, _ := r.(map[string]any)
			key, _ := row["key"].(string)
			for col := range h.Form1BySettlement[key] {
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
	_, a := m["form1_by_settlement"]
	_, b := m["by_gender"]
	return a && b
}
