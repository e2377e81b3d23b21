package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hromada/hromada/internal/reception"
)

// Personal reception's figures (internal/reception.FiguresOf) are the report's "reception": reception
// days of the period held (not cancelled, not after today), people received and those who did not come,
// received per official (official_names name them) and per settlement of visiting receptions ("council"
// for the council's own premises; settlement_names name the others).

// receptionCount is one official's or settlement's people received, for the narrative's lists.
type receptionCount struct {
	Name string
	N    int64
}

// receptionCounts orders counts by their size, then by name.
func receptionCounts(m map[string]int64, name func(string) string) []receptionCount {
	out := make([]receptionCount, 0, len(m))
	for k, n := range m {
		out = append(out, receptionCount{Name: name(k), N: n})
	}
	slices.SortFunc(out, func(a, b receptionCount) int {
		if c := cmp.Compare(b.N, a.N); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// ReceptionParagraph words personal reception in the seed's style: receptions held and citizens
// received, by official and by settlement of visiting receptions; "" when there was none.
func (r *Report) ReceptionParagraph(o Output) string {
	f := r.Reception
	if f == nil || f.Held == 0 && f.Visitors == 0 {
		return ""
	}
	officials := receptionCounts(f.ByOfficial, func(k string) string { return f.OfficialNames[k] })
	places := receptionCounts(f.BySettlement, func(k string) string {
		if k == reception.AtCouncil {
			return o.T("report.reception.at_council")
		}
		return r.SettlementNames[k].In(o.Lang)
	})
	list := func(cs []receptionCount) string {
		parts := make([]string, 0, len(cs))
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s – %d", c.Name, c.N))
		}
		return strings.Join(parts, ", ")
	}
	var b strings.Builder
	if o.Lang == "en" {
		fmt.Fprintf(&b, "%s, %s of citizens were held and %s received", periodEN(r.from, r.to),
			o.L.N("count.receptions", f.Held), o.L.N("count.citizens", f.Visitors))
	} else {
		in, _ := periodUK(r.from, r.to)
		fmt.Fprintf(&b, "%s проведено %s громадян, на яких прийнято %s", in, o.L.N("count.receptions", f.Held),
			o.L.N("count.citizens", f.Visitors))
	}
	if len(officials) > 0 {
		b.WriteString(" (" + list(officials) + ")")
	}
	b.WriteString(".")
	if len(places) > 1 || len(places) == 1 && f.BySettlement[reception.AtCouncil] == 0 {
		fmt.Fprintf(&b, " %s: %s.", o.T("report.reception.by_place"), list(places))
	}
	if f.Absent > 0 {
		fmt.Fprintf(&b, " %s: %d.", o.T("report.reception.absent"), f.Absent)
	}
	return b.String()
}
