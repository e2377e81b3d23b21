package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// words writes the narrative's paragraphs (Paragraphs), each a method that returns "" when its figure has
// nothing to say. The sentences the seed report has are written here in both languages as the seed words
// them; the others are messages of words.*.json.
type words struct {
	r *Report
	o Output
	f *Figures
}

func (w words) en() bool { return w.o.Lang == "en" }

func (w words) n(id string, v int64) string { return w.o.L.N(id, v) }

// in names a period inside a sentence: "у IV кварталі 2023 року", "in Q4 2023".
func (w words) in(from, to time.Time) string {
	if w.en() {
		p := periodEN(from, to)
		return strings.ToLower(p[:1]) + p[1:]
	}
	in, _ := periodUK(from, to)
	return lowerFirst(in)
}

// list joins "name – count" items the way the seed does: commas, and the sentence's own end.
func list(items []string) string { return strings.Join(items, ", ") }

// decimal writes a figure with one decimal, with a comma in Ukrainian.
func (w words) decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if w.en() {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}

// received: the appeals of the period and how they compare with the preceding period and the year earlier.
func (w words) received() string {
	f, o := w.f, w.o
	var b strings.Builder
	if w.en() {
		fmt.Fprintf(&b, "%s, %s received %s for consideration from %s", periodEN(f.from, f.to), o.Council.In(o.Lang),
			w.n("count.appeals", f.Appeals), w.n("count.citizens", f.Citizens))
	} else {
		in, _ := periodUK(f.from, f.to)
		fmt.Fprintf(&b, "%s до %s на розгляд надійшло %s (громадян – %d)", in, GenitiveUK(o.Council.In(o.Lang)),
			w.n("count.appeals", f.Appeals), f.Citizens)
	}
	var changes []string
	for _, p := range []*Figures{w.r.PreviousQuarter, w.r.Previous} {
		if p == nil || (p == w.r.Previous && w.r.PreviousQuarter != nil && w.r.PreviousQuarter.Period == p.Period) {
			continue // a year's preceding period is the year earlier: say it once
		}
		when := w.in(p.from, p.to)
		switch d := f.Appeals - p.Appeals; {
		case d > 0:
			changes = append(changes, o.L.N("words.change.more", d, "When", when, "Then", p.Appeals))
		case d < 0:
			changes = append(changes, o.L.N("words.change.less", -d, "When", when, "Then", p.Appeals))
		default:
			changes = append(changes, o.L.Tf("words.change.same", "When", when))
		}
	}
	if len(changes) > 0 {
		b.WriteString(o.L.Tf("words.change", "Changes", strings.Join(changes, o.T("words.and"))))
	}
	b.WriteString(".")
	return b.String()
}

// hotlines: the Government and the oblast governor's hotlines, with their share of all appeals.
func (w words) hotlines() string {
	f := w.f
	gov, oda := f.Form1.count(RowGovHotline), f.Form1.count(RowODAHotline)
	if gov+oda == 0 {
		return ""
	}
	if w.en() {
		return fmt.Sprintf("Of all appeals, %d%% (or %d) came through the Government hotline (%d) and the oblast governor's hotline (%d).",
			percent(gov+oda, f.Appeals), gov+oda, gov, oda)
	}
	return fmt.Sprintf("Із загальної кількості звернень громадян %d%% (або %d) звернулися на урядову телефонну «гарячу лінію» (%d) та гарячу лінію голови облдержадміністрації (%d).",
		percent(gov+oda, f.Appeals), gov+oda, gov, oda)
}

// channels: electronic and telephone appeals, as the seed counts them.
func (w words) channels() string {
	f := w.f
	electronic, phone := f.Form1.count(RowElectronic), f.Form1.count(RowTelephone)
	if w.en() {
		return fmt.Sprintf("%s arrived electronically and %d by telephone.", w.n("count.appeals", electronic), phone)
	}
	in, forP := periodUK(f.from, f.to)
	return fmt.Sprintf("%s засобами електронного зв’язку надійшло %s. Через засоби телефонного зв’язку %s надійшло %s.",
		forP, w.n("count.appeals", electronic), lowerFirst(in), w.n("count.appeals", phone))
}

// personalReception: appeals made at personal receptions (the channel of classifier row 1.2), then the
// receptions held and the citizens received by official and by place (reception.go).
func (w words) personalReception() string {
	var parts []string
	if n := w.f.ByChannel["reception"]; n > 0 {
		parts = append(parts, w.o.L.N("words.reception", n))
	}
	if p := w.r.ReceptionParagraph(w.o); p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

// questions: the questions raised and the three leading subjects, in the genitive as the seed has them
// ("питання комунального господарства – 857 або 46%, соціального захисту – 342 або 18%").
func (w words) questions() string {
	f, clf := w.f, w.o.Classifier
	var b strings.Builder
	if w.en() {
		fmt.Fprintf(&b, "Citizens raised %s", w.n("count.questions", f.Questions))
	} else {
		_, forP := periodUK(f.from, f.to)
		fmt.Fprintf(&b, "%s громадянами у зверненнях порушено %s", forP, w.n("count.questions", f.Questions))
	}
	for i, s := range topSubjects(f, 3) {
		sep := ", "
		if i == 0 {
			sep = map[bool]string{true: "; the leading subjects are ", false: ", з них питому вагу складають питання "}[w.en()]
		}
		name := s.Code
		if it, ok := clf.Subjects.Get(s.Code); ok {
			name = w.inSentence(it.GenitiveName(w.o.Lang))
		}
		or := map[bool]string{true: "or", false: "або"}[w.en()]
		fmt.Fprintf(&b, "%s%s – %d %s %d%%", sep, name, s.Count, or, percent(s.Count, f.Questions))
	}
	b.WriteString(".")
	return b.String()
}

// timeliness: "усі розглянуто без порушення терміну" exactly when no appeal of the period is overdue;
// otherwise how many, and in which departments; then the forwarded or returned after their term.
func (w words) timeliness() string {
	f, o := w.f, w.o
	if f.Appeals == 0 {
		return ""
	}
	var b strings.Builder
	if f.Overdue == 0 {
		b.WriteString(o.T("words.on_time"))
	} else {
		b.WriteString(w.n("report.narrative.overdue", f.Overdue))
		var where []string
		for _, d := range w.r.Departments.Rows {
			if late := d.Late + d.Overdue; late > 0 {
				where = append(where, fmt.Sprintf("%s – %d", w.departmentName(d.Key), late))
			}
		}
		if len(where) > 0 {
			b.WriteString(" " + o.L.Tf("words.late.where", "List", list(where)))
		}
	}
	if f.TermBreaches > 0 {
		if w.en() {
			fmt.Fprintf(&b, " Forwarded or returned after the term the law sets: %s.", w.n("count.appeals", f.TermBreaches))
		} else {
			fmt.Fprintf(&b, " Із порушенням строку надіслано за належністю або повернуто авторам %s.", w.n("count.appeals", f.TermBreaches))
		}
	}
	return b.String()
}

func (w words) departmentName(key string) string {
	if key == Unassigned {
		return w.o.T("words.unassigned")
	}
	return w.r.CodeName("by_department", key, w.o)
}

// results: the appeals by result of consideration, in the classifier's order, the pending last.
func (w words) results() string {
	if w.f.Appeals == 0 {
		return ""
	}
	var items []string
	for _, l := range w.r.Lines(Dimension{Key: "by_result", List: w.o.Classifier.Results,
		Get: func(f *Figures) map[string]int64 { return f.ByResult }}, w.o) {
		if l.Value == 0 {
			continue
		}
		name := w.inSentence(lowerFirstWord(l.Name))
		if l.Code == Pending {
			name = w.o.T("words.results.pending")
		}
		items = append(items, fmt.Sprintf("%s – %d", name, l.Value))
	}
	return w.o.L.Tf("words.results", "List", list(items))
}

// kinds: collective and repeat appeals, and those of citizens of priority categories with the categories.
func (w words) kinds() string {
	f, o := w.f, w.o
	if f.Appeals == 0 {
		return ""
	}
	t := f.Form1.Total
	text := o.L.Tf("words.collective", "Collective", t.Collective, "Repeat", t.Repeat)
	if t.Priority == 0 {
		return text
	}
	text += " " + o.L.N("words.priority", t.Priority, "Share", percent(t.Priority, f.Appeals))
	var items []string
	for _, c := range o.Classifier.Categories {
		if n := f.ByCategory[c.Code]; n > 0 && c.Priority {
			items = append(items, fmt.Sprintf("%s – %d", w.inSentence(c.GenitiveName(o.Lang)), n))
		}
	}
	if len(items) > 0 {
		text += o.L.Tf("words.priority.list", "List", list(items))
	}
	return text + "."
}

// settlements: the appeals per settlement of the community, with their shares; nothing for a community
// without settlements on record.
func (w words) settlements() string {
	rows := w.r.Settlements.Rows
	if w.f.Appeals == 0 || len(rows) <= 1 {
		return ""
	}
	var items []string
	for _, s := range rows {
		if s.Received == 0 {
			continue
		}
		name := w.r.CodeName("by_settlement", s.Key, w.o)
		if s.Key == Undetermined {
			name = w.o.T("words.settlements.undetermined")
		}
		items = append(items, fmt.Sprintf("%s – %d (%s%%)", name, s.Received, w.decimal(s.Share)))
	}
	return w.o.L.Tf("words.settlements", "List", list(items))
}

// departmentsInWords is how many departments the narrative names; the table has every one.
const departmentsInWords = 5

// departments: the timeliness of the departments with the most appeals.
func (w words) departments() string {
	var rows []Timeliness
	for _, d := range w.r.Departments.Rows {
		if d.Key != Unassigned && d.Received > 0 {
			rows = append(rows, d)
		}
	}
	if len(rows) == 0 {
		return ""
	}
	slices.SortStableFunc(rows, func(a, b Timeliness) int { return cmp.Compare(b.Received, a.Received) })
	o := w.o
	parts := []string{o.T("words.departments")}
	for _, d := range rows[:min(departmentsInWords, len(rows))] {
		average := ""
		if d.timed > 0 {
			average = o.L.Tf("words.department.average", "Days", w.decimal(d.AverageDays))
		}
		parts = append(parts, o.L.Tf("words.department", "Name", w.departmentName(d.Key), "Received", d.Received,
			"OnTime", d.OnTime, "Late", d.Late, "Overdue", d.Overdue, "Average", average))
	}
	if len(rows) > departmentsInWords {
		parts = append(parts, o.T("words.departments.more"))
	}
	return strings.Join(parts, " ")
}

// petitions: the local e-petitions' milestones in the period.
func (w words) petitions() string {
	p := w.f.Petitions
	if p == (Petitions{}) {
		return w.o.T("words.petitions.none")
	}
	return w.o.L.Tf("words.petitions", "Created", p.Created, "Published", p.Published, "Reached", p.ThresholdReached,
		"Answered", p.Answered)
}

// inSentence fits a classifier name into the middle of a sentence: English names lose their capital,
// Ukrainian ones get the typographic apostrophe the seed prints ("зв’язку", not "зв'язку").
func (w words) inSentence(name string) string {
	if w.en() {
		return lowerFirstWord(name)
	}
	return strings.ReplaceAll(name, "'", "’")
}

// lowerFirstWord lowers a classifier name's first letter for the middle of a sentence ("Дано роз'яснення"
// → "дано роз'яснення"), unless the first word is an abbreviation.
func lowerFirstWord(s string) string {
	r := []rune(s)
	if len(r) < 2 || strings.ToUpper(string(r[1])) == string(r[1]) {
		return s
	}
	return strings.ToLower(string(r[0])) + string(r[1:])
}
