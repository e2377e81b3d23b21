package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/classifier"
)

// Texts translates the report's message ids (report.*); the web translator's T, or the CLI's.
type Texts func(id string) string

// RowLabel names a Form-1 row: a row of one channel (the hotlines) by the channel's name, a classifier row
// by its number and its channels' names.
func RowLabel(key string, clf *classifier.Classifier, lang string, t Texts) string {
	switch key {
	case RowElectronic, RowTelephone, RowTotal:
		return t("report.row." + key)
	}
	if clf.Channels.Has(key) {
		return clf.Channels.Name(key, lang) // a row of one channel (a hotline) is named after it
	}
	var names []string
	for _, ch := range clf.Channels {
		if ch.Row == key && rowOf(ch) == key {
			names = append(names, ch.Name(lang))
		}
	}
	if len(names) == 0 {
		return clf.Channels.Name(key, lang)
	}
	return key + " " + strings.Join(names, ", ")
}

// PeriodKind says what the period is: a month, a quarter, a year, or any other span of days.
func PeriodKind(from, to time.Time) string {
	last := func(t time.Time, months int) time.Time { return t.AddDate(0, months, -1) }
	switch {
	case from.Day() != 1:
		return "custom"
	case sameDay(last(from, 1), to):
		return "month"
	case (from.Month()-1)%3 == 0 && sameDay(last(from, 3), to):
		return "quarter"
	case from.Month() == time.January && sameDay(last(from, 12), to):
		return "year"
	}
	return "custom"
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

var (
	quarterUK = []string{"І", "ІІ", "ІІІ", "IV"} // as the council writes them (Cyrillic І)
	// Months in the locative ("у січні") and the accusative ("за січень").
	monthInUK  = []string{"січні", "лютому", "березні", "квітні", "травні", "червні", "липні", "серпні", "вересні", "жовтні", "листопаді", "грудні"}
	monthForUK = []string{"січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень", "вересень", "жовтень", "листопад", "грудень"}
)

// periodUK names the period the way the seed report does: in ("У І кварталі 2024 року") and for
// ("За І квартал 2024 року"); capitalised, to start a sentence.
func periodUK(from, to time.Time) (in, forP string) {
	y := from.Year()
	switch PeriodKind(from, to) {
	case "month":
		return fmt.Sprintf("У %s %d року", monthInUK[from.Month()-1], y), fmt.Sprintf("За %s %d року", monthForUK[from.Month()-1], y)
	case "quarter":
		q := quarterUK[(from.Month()-1)/3]
		return fmt.Sprintf("У %s кварталі %d року", q, y), fmt.Sprintf("За %s квартал %d року", q, y)
	case "year":
		return fmt.Sprintf("У %d році", y), fmt.Sprintf("За %d рік", y)
	}
	span := fmt.Sprintf("період з %s по %s", from.Format("02.01.2006"), to.Format("02.01.2006"))
	return "У " + span, "За " + span
}

func periodEN(from, to time.Time) string {
	switch PeriodKind(from, to) {
	case "month":
		return "In " + from.Format("January 2006")
	case "quarter":
		return fmt.Sprintf("In Q%d %d", (from.Month()-1)/3+1, from.Year())
	case "year":
		return fmt.Sprintf("In %d", from.Year())
	}
	return fmt.Sprintf("From %s to %s", from.Format("02.01.2006"), to.Format("02.01.2006"))
}

// GenitiveUK puts a council's name into the genitive for "до ... надійшло": the adjectives before the
// head noun change "-а" to "-ої" ("Зразкова міська рада" → "Зразкової міської ради"); words after the head
// noun stay. A name without a known head noun is kept as it is.
func GenitiveUK(name string) string {
	heads := map[string]string{"рада": "ради", "громада": "громади", "адміністрація": "адміністрації", "ради": "ради"}
	words := strings.Fields(name)
	head := slices.IndexFunc(words, func(w string) bool { _, ok := heads[strings.ToLower(w)]; return ok })
	if head < 0 {
		return name
	}
	for i := range head {
		w := words[i]
		switch {
		case strings.HasSuffix(w, "ня"): // Верхня → Верхньої
			words[i] = strings.TrimSuffix(w, "я") + "ьої"
		case strings.HasSuffix(w, "а"):
			words[i] = strings.TrimSuffix(w, "а") + "ої"
		}
	}
	words[head] = heads[strings.ToLower(words[head])]
	return strings.Join(words, " ")
}

func percent(part, total int64) int64 {
	if total == 0 {
		return 0
	}
	return int64(math.Round(float64(part) * 100 / float64(total)))
}

// topSubjects lists the subjects with the most questions, largest first (ties by code), at most n.
func topSubjects(f *Figures, n int) []Form2 {
	rows := slices.Clone(f.Form2)
	rows = slices.DeleteFunc(rows, func(r Form2) bool { return r.Count == 0 })
	slices.SortStableFunc(rows, func(a, b Form2) int { return cmp.Compare(b.Count, a.Count) })
	return rows[:min(n, len(rows))]
}

// Narrative drafts the descriptive part of the report in the seed's style: appeals received, the two
// hotlines with their share, electronic and telephone appeals, questions and the leading subjects.
// Ukrainian unless the output's language is "en"; numbers meet their nouns through the plural rules of
// the output's texts (o.L.N: "1751 звернення", "1855 питань", "1 appeal").
func (r *Report) Narrative(o Output) string {
	council, lang, clf := o.Council.In(o.Lang), o.Lang, o.Classifier
	n := func(id string, v int64) string { return o.L.N(id, v) }
	f := &r.Figures
	from, to := f.from, f.to
	gov, oda := f.Form1.count(RowGovHotline), f.Form1.count(RowODAHotline)
	electronic, phone := f.Form1.count(RowElectronic), f.Form1.count(RowTelephone)
	top := topSubjects(f, 3)
	var b strings.Builder
	if lang == "en" {
		p := periodEN(from, to)
		fmt.Fprintf(&b, "%s, %s received %s for consideration from %s.", p, council, n("count.appeals", f.Appeals),
			n("count.citizens", f.Citizens))
		if gov+oda > 0 {
			fmt.Fprintf(&b, " Of all appeals, %d%% (or %d) came through the Government hotline (%d) and the oblast governor's hotline (%d).",
				percent(gov+oda, f.Appeals), gov+oda, gov, oda)
		}
		fmt.Fprintf(&b, "\n\n%s arrived electronically and %d by telephone.", n("count.appeals", electronic), phone)
		fmt.Fprintf(&b, "\n\nCitizens raised %s", n("count.questions", f.Questions))
		for i, s := range top {
			sep := ", "
			if i == 0 {
				sep = "; the leading subjects are "
			}
			fmt.Fprintf(&b, "%s%s – %d or %d%%", sep, clf.Subjects.Name(s.Code, "en"), s.Count, percent(s.Count, f.Questions))
		}
		b.WriteString(".")
		if f.Overdue > 0 {
			b.WriteString("\n\n" + n("report.narrative.overdue", f.Overdue))
		}
		if f.TermBreaches > 0 {
			fmt.Fprintf(&b, " Forwarded or returned after the term the law sets: %s.", n("count.appeals", f.TermBreaches))
		}
		return b.String()
	}
	in, forP := periodUK(from, to)
	fmt.Fprintf(&b, "%s до %s на розгляд надійшло %s (громадян – %d).", in, GenitiveUK(council), n("count.appeals", f.Appeals), f.Citizens)
	if gov+oda > 0 {
		fmt.Fprintf(&b, " Із загальної кількості звернень громадян %d%% (або %d) звернулися на урядову телефонну «гарячу лінію» (%d) та гарячу лінію голови облдержадміністрації (%d).",
			percent(gov+oda, f.Appeals), gov+oda, gov, oda)
	}
	fmt.Fprintf(&b, "\n\n%s засобами електронного зв’язку надійшло %s. Через засоби телефонного зв’язку %s надійшло %s.",
		forP, n("count.appeals", electronic), lowerFirst(in), n("count.appeals", phone))
	fmt.Fprintf(&b, "\n\n%s громадянами у зверненнях порушено %s", forP, n("count.questions", f.Questions))
	for i, s := range top {
		sep := ", "
		if i == 0 {
			sep = ", з них питому вагу складають питання "
		}
		fmt.Fprintf(&b, "%s«%s» – %d або %d%%", sep, clf.Subjects.Name(s.Code, "uk"), s.Count, percent(s.Count, f.Questions))
	}
	b.WriteString(".")
	if f.Overdue > 0 {
		b.WriteString("\n\n" + n("report.narrative.overdue", f.Overdue))
	}
	if f.TermBreaches > 0 {
		fmt.Fprintf(&b, " Із порушенням строку надіслано за належністю або повернуто авторам %s.", n("count.appeals", f.TermBreaches))
	}
	return b.String()
}

func lowerFirst(s string) string {
	if strings.HasPrefix(s, "У ") {
		return "у " + s[len("У "):]
	}
	return s
}

// Paragraphs is the narrative as its paragraphs, for the documents that set each one apart (DOCX, PDF).
func (r *Report) Paragraphs(o Output) []string {
	out := strings.Split(r.Narrative(o), "\n\n")
	if p := r.ReceptionParagraph(o); p != "" {
		out = append(out, p)
	}
	return out
}
