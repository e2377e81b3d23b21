// Package statistics publishes the report's figures (internal/report) as open data and for the public
// page: the report's own JSON with the cells that could point to a person hidden (suppress.go: the rule),
// a CSV of the same figures one a line, and a cache that computes each period once per short window,
// however many readers ask at once.
package statistics

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/report"
)

// private are the report's keys that are never published. The narrative's words name small counts
// (a settlement's two appeals, the one late answer of a department) that the tables hide.
var private = []string{"narrative", "paragraphs"}

// Open is one period's published statistics.
type Open struct {
	Report   *report.Report // the report as computed: for the page, which shows only what Hidden allows
	Hidden   Hidden         // the period's hidden cells
	Previous Hidden         // the year earlier's
	JSON     []byte         // the open data as served
	CSV      []byte
}

// Publish builds the open data of a report. The JSON is the report's own, serialised from its structs,
// so a figure added to the report is published too; only private keys go, and the hidden cells of every
// period's figures in it become null (apply).
func Publish(r *report.Report, rule i18n.Text) (*Open, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // counts stay exact, and shares keep their one decimal
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	for _, k := range private {
		delete(doc, k)
	}
	o := &Open{Report: r}
	for _, k := range slices.Sorted(maps.Keys(doc)) {
		if f, ok := doc[k].(map[string]any); ok && isFigures(f) {
			h := hide(f)
			apply(f, h)
			if k == "previous" {
				o.Previous = h
			}
		}
	}
	o.Hidden = hide(doc)
	apply(doc, o.Hidden)
	doc["suppression"] = map[string]any{"threshold": Threshold, "rule": rule}
	if o.JSON, err = json.Marshal(doc); err != nil {
		return nil, err
	}
	if o.CSV, err = writeCSV(doc); err != nil {
		return nil, err
	}
	return o, nil
}

// CSV columns: which period (the one asked for, "previous" for the year earlier, or another period the
// report adds), the section (a key of the JSON: appeals, by_channel, form1, form1_by_settlement…), the
// code within it (a channel, a settlement's id, Form 1's row), the measure (Form 1's column, count or
// share), the value, and why it is empty when hidden.
var csvHeader = []string{"period", "section", "code", "measure", "value", "suppressed"}

// writeCSV flattens the published JSON's figures, one number a line, so a spreadsheet reads them
// without knowing the JSON's shape; names are in the JSON (department_names, settlement_names) and the
// classifier. UTF-8 with a BOM, as the report's CSV.
func writeCSV(doc map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	_ = w.Write(csvHeader)
	periods := []string{"current"}
	for _, k := range slices.Sorted(maps.Keys(doc)) {
		if isFigures(doc[k]) {
			periods = append(periods, k)
		}
	}
	for _, p := range periods {
		f := doc
		if p != "current" {
			f, _ = doc[p].(map[string]any)
		}
		h, _ := f["suppressed"].(Hidden)
		for _, k := range slices.Sorted(maps.Keys(f)) {
			if k == "suppressed" || k == "issues" || isFigures(f[k]) {
				continue
			}
			for _, l := range flatten(f[k]) {
				l.section = k
				why := ""
				if l.value == "" {
					why = hiddenKind(h, k, l)
				}
				if err := w.Write([]string{p, k, l.code, l.measure, l.value, why}); err != nil {
					return nil, err
				}
			}
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func hiddenKind(h Hidden, section string, l line) string {
	if _, ok := h.Tables[section]; ok {
		return h.Cell(section, l.code, l.measure)
	}
	return h.Of(section, l.code)
}

// line is one number of the flattened JSON.
type line struct {
	section, code, measure, value string
}

// flatten lists the numbers (and the nulls of hidden cells) of one section: a number alone, a map of
// codes to numbers or to objects of numbers, Form 1 (rows by key, each column a measure) and lists of
// objects named by their code or key.
func flatten(v any) []line {
	switch x := v.(type) {
	case json.Number:
		return []line{{value: x.String()}}
	case map[string]any:
		if rows, ok := x["rows"].([]any); ok { // Form 1: its rows and its total
			out := flattenList(rows)
			if total, ok := x["total"].(map[string]any); ok {
				out = append(out, flattenObject("total", total)...)
			}
			return out
		}
		var out []line
		for _, k := range slices.Sorted(maps.Keys(x)) {
			switch y := x[k].(type) {
			case json.Number:
				out = append(out, line{code: k, value: y.String()})
			case nil:
				out = append(out, line{code: k})
			case map[string]any:
				out = append(out, flattenObject(k, y)...)
			}
		}
		return out
	case []any:
		return flattenList(x)
	}
	return nil
}

func flattenList(items []any) []line {
	var out []line
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		out = append(out, flattenObject(rowKey(m, i), m)...)
	}
	return out
}

// flattenObject lists an object's numbers (and nulls) as measures of one code; texts and lists (a row's
// channels) stay in the JSON.
func flattenObject(code string, m map[string]any) []line {
	var out []line
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch y := m[k].(type) {
		case json.Number:
			out = append(out, line{code: code, measure: k, value: y.String()})
		case nil:
			out = append(out, line{code: code, measure: k})
		}
	}
	return out
}

// FileName is the CSV download's name, e.g. statystyka-2024-01-01-2024-03-31.csv.
func (o *Open) FileName() string {
	return fmt.Sprintf("statystyka-%s-%s.csv", o.Report.Period.From, o.Report.Period.To)
}
