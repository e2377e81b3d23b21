package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/registry"
)

// Form-1 row keys that are not a classifier row; the classifier file puts channels in them (report_row).
const (
	RowElectronic = "electronic" // portal + email
	RowTelephone  = "telephone"  // the council's own line
	RowGovHotline = "gov_hotline"
	RowODAHotline = "oda_hotline"
	RowTotal      = "total"
)

// Counts are the columns of Form 1.
type Counts struct {
	Total       int64 `json:"total"`
	Citizens    int64 `json:"citizens"`
	Collective  int64 `json:"collective"`
	Repeat      int64 `json:"repeat"`
	Priority    int64 `json:"priority"` // authors entitled to priority handling
	Proposal    int64 `json:"proposal"`
	Application int64 `json:"application"`
	Complaint   int64 `json:"complaint"`
	Resolved    int64 `json:"resolved"`
	Refused     int64 `json:"refused"`
	Explained   int64 `json:"explained"`
	OtherResult int64 `json:"other_result"` // returned, forwarded, left without consideration
	Pending     int64 `json:"pending"`      // no result yet
}

// Columns names Form 1's columns in order, for tables and exports; Values gives them in the same order.
var Columns = []string{"total", "citizens", "collective", "repeat", "priority", "proposal", "application",
	"complaint", "resolved", "refused", "explained", "other_result", "pending"}

// Values lists the counts in the order of Columns.
func (c Counts) Values() []int64 {
	return []int64{c.Total, c.Citizens, c.Collective, c.Repeat, c.Priority, c.Proposal, c.Application,
		c.Complaint, c.Resolved, c.Refused, c.Explained, c.OtherResult, c.Pending}
}

func (c *Counts) add(o Counts) {
	c.Total += o.Total
	c.Citizens += o.Citizens
	c.Collective += o.Collective
	c.Repeat += o.Repeat
	c.Priority += o.Priority
	c.Proposal += o.Proposal
	c.Application += o.Application
	c.Complaint += o.Complaint
	c.Resolved += o.Resolved
	c.Refused += o.Refused
	c.Explained += o.Explained
	c.OtherResult += o.OtherResult
	c.Pending += o.Pending
}

// Form1Row is one line of Form 1: a group of channels.
type Form1Row struct {
	Key      string   `json:"key"`      // electronic, telephone, gov_hotline, oda_hotline, a classifier row "1.x", or total
	Channels []string `json:"channels"` // the channel codes summed in this row
	Counts
}

// Form1 is appeals by channel group against collective, repeat, priority, types and results.
type Form1 struct {
	Rows  []Form1Row `json:"rows"`
	Total Form1Row   `json:"total"`
}

// count is the number of appeals in the row with the key, 0 when the form has no such row.
func (f Form1) count(key string) int64 {
	if i := slices.IndexFunc(f.Rows, func(r Form1Row) bool { return r.Key == key }); i >= 0 {
		return f.Rows[i].Total
	}
	return 0
}

// Form2 is one line of Form 2: questions on one subject.
type Form2 struct {
	Code string `json:"code"`
	Subject
}

// rowOf is the Form-1 row of a channel: the classifier file says which (report_row), grouping the
// channels as the seed report counts them.
func rowOf(it classifier.Item) string {
	if it.ReportRow == "" {
		return "other"
	}
	return it.ReportRow
}

// Groups lists Form 1's rows in the classifier's order of channels, each with its channels.
func Groups(clf *classifier.Classifier) []Form1Row {
	var rows []Form1Row
	for _, ch := range clf.Channels {
		key := rowOf(ch)
		i := slices.IndexFunc(rows, func(r Form1Row) bool { return r.Key == key })
		if i < 0 {
			rows = append(rows, Form1Row{Key: key})
			i = len(rows) - 1
		}
		rows[i].Channels = append(rows[i].Channels, ch.Code)
	}
	return rows
}

// countsOf is one group of the cube in Form 1's columns.
func countsOf(r cubeRow) Counts {
	c := Counts{Total: r.N, Citizens: r.Signers}
	if r.Nature == registry.NatureCollective {
		c.Collective = r.N
	}
	if r.Sign == registry.SignRepeat {
		c.Repeat = r.N
	}
	if r.Priority {
		c.Priority = r.N
	}
	if col := typeColumn(&c, r.Type); col != nil {
		*col = r.N
	}
	// An unknown result lands in no column, so the results identity reports it.
	if col := resultColumn(&c, r.Result); col != nil {
		*col = r.N
	}
	return c
}

func buildForm1(cube []cubeRow, clf *classifier.Classifier) Form1 {
	f := Form1{Rows: Groups(clf), Total: Form1Row{Key: RowTotal}}
	for _, r := range cube {
		c := countsOf(r)
		i := slices.IndexFunc(f.Rows, func(row Form1Row) bool { return slices.Contains(row.Channels, r.Channel) })
		if i < 0 {
			// A channel the classifier no longer lists still counts, in a row of its own.
			f.Rows = append(f.Rows, Form1Row{Key: r.Channel, Channels: []string{r.Channel}})
			i = len(f.Rows) - 1
		}
		f.Rows[i].add(c)
		f.Total.add(c)
	}
	return f
}

// buildForm1BySettlement is Form 1 with a row per settlement instead of per group of channels: every
// settlement of the community in the order given (zero where none came), then "undetermined". A settlement
// no longer listed still counts, in a row of its own before "undetermined".
func buildForm1BySettlement(cube []cubeRow, settlements []string) Form1 {
	f := Form1{Total: Form1Row{Key: RowTotal}}
	for _, k := range settlements {
		f.Rows = append(f.Rows, Form1Row{Key: k})
	}
	f.Rows = append(f.Rows, Form1Row{Key: Undetermined})
	for _, r := range cube {
		i := slices.IndexFunc(f.Rows, func(row Form1Row) bool { return row.Key == r.Settlement })
		if i < 0 {
			i = len(f.Rows) - 1
			f.Rows = slices.Insert(f.Rows, i, Form1Row{Key: r.Settlement})
		}
		c := countsOf(r)
		f.Rows[i].add(c)
		f.Total.add(c)
	}
	return f
}

// SettlementRow marks an Issue's row as one of Form 1 by settlement ("settlement:12"), not of Form 1.
const SettlementRow = "settlement:"

// typeColumn is the column of Form 1 that counts appeals of the type, nil for a type it does not know.
func typeColumn(c *Counts, typ string) *int64 {
	return map[string]*int64{registry.TypeProposal: &c.Proposal, registry.TypeApplication: &c.Application,
		registry.TypeComplaint: &c.Complaint}[typ]
}

// resultColumn is the column of Form 1 that counts appeals with the result ("" is still pending), nil
// for a result it does not know. Routing results (returned, forwarded, not considered) share one column.
func resultColumn(c *Counts, result string) *int64 {
	return map[string]*int64{"": &c.Pending, registry.ResultResolved: &c.Resolved, registry.ResultRefused: &c.Refused,
		registry.ResultExplained: &c.Explained, registry.ResultReturned: &c.OtherResult,
		registry.ResultForwarded: &c.OtherResult, registry.ResultNotConsidered: &c.OtherResult}[result]
}

// buildForm2 lists every subject of the classifier (with zero where no question was raised); questions on
// codes the classifier does not know stay out of the form, so the subjects identity reports them.
func buildForm2(counts map[string]int64, questions int64, clf *classifier.Classifier) []Form2 {
	rows := make([]Form2, 0, len(clf.Subjects))
	for _, s := range clf.Subjects {
		n := counts[s.Code]
		rows = append(rows, Form2{Code: s.Code, Subject: Subject{Count: n, Share: share(n, questions)}})
	}
	return rows
}

// Issue is a broken identity: what should equal (or not be below) what, and where.
type Issue struct {
	Period   string `json:"period"`   // from – to
	Identity string `json:"identity"` // types, results, subjects, citizens, questions
	Row      string `json:"row"`      // the Form-1 row, or "" for the whole form
	Got      int64  `json:"got"`      // the sum or figure checked
	Want     int64  `json:"want"`     // what it must equal (or at least reach)
}

// Identities in the order they are checked.
var Identities = []string{"types", "results", "subjects", "citizens", "questions", "settlements"}

// Text describes the issue in one language; t translates the report's message ids; rowLabel names a row of
// Form 1 or, prefixed with SettlementRow, of Form 1 by settlement.
func (i Issue) Text(t func(string) string, rowLabel func(string) string) string {
	where := ""
	switch {
	case strings.HasPrefix(i.Row, SettlementRow):
		where = " (" + t("report.form1s.row") + ": " + rowLabel(i.Row) + ")"
	case i.Row != "":
		where = " (" + t("report.form1.row") + ": " + rowLabel(i.Row) + ")"
	}
	return fmt.Sprintf("%s: %s «%s»%s: %d, %s %d", i.Period, t("report.identity.broken"), t("report.identity."+i.Identity),
		where, i.Got, t("report.identity.expected"), i.Want)
}

func checkIdentities(f *Figures) []Issue {
	var out []Issue
	period := f.Period.String()
	add := func(identity, row string, got, want int64) {
		out = append(out, Issue{Period: period, Identity: identity, Row: row, Got: got, Want: want})
	}
	rows := append(slices.Clone(f.Form1.Rows), f.Form1.Total)
	// Form 1 by settlement regroups the same appeals: its rows are checked too, its total row is Form 1's.
	for _, r := range f.Form1BySettlement.Rows {
		r.Key = SettlementRow + r.Key
		rows = append(rows, r)
	}
	for _, r := range rows {
		if t := r.Proposal + r.Application + r.Complaint; t != r.Total {
			add("types", r.Key, t, r.Total)
		}
	}
	for _, r := range rows {
		if t := r.Resolved + r.Refused + r.Explained + r.OtherResult + r.Pending; t != r.Total {
			add("results", r.Key, t, r.Total)
		}
	}
	var subjects int64
	for _, s := range f.Form2 {
		subjects += s.Count
	}
	if subjects != f.Questions {
		add("subjects", "", subjects, f.Questions)
	}
	for _, r := range rows {
		if r.Citizens < r.Total {
			add("citizens", r.Key, r.Citizens, r.Total)
		}
	}
	if f.WithoutQuestions > 0 {
		add("questions", "", f.Appeals-f.WithoutQuestions, f.Appeals)
	}
	var bySettlement int64
	for _, r := range f.Form1BySettlement.Rows {
		bySettlement += r.Total
	}
	if bySettlement != f.Appeals {
		add("settlements", "", bySettlement, f.Appeals)
	}
	return out
}
