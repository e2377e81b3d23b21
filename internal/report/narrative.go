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

// Narrative is the descriptive part of the report, its paragraphs (Paragraphs) separated by blank lines.
func (r *Report) Narrative(o Output) string {
	return strings.Join(r.Paragraphs(o), "\n\n")
}

func lowerFirst(s string) string {
	if strings.HasPrefix(s, "У ") {
		return "у " + s[len("У "):]
	}
	return s
}

// Paragraphs drafts the descriptive part of the report in the seed's style, one paragraph a figure that
// matters: appeals received beside the preceding period and the year earlier; the two hotlines with their
// share; electronic, telephone and personal reception; questions and the leading subjects (in the
// genitive, as the seed writes them); timeliness ("усі розглянуто без порушення терміну" exactly when no
// appeal is overdue, otherwise how many and in which departments); results; collective, repeat and
// priority categories; settlements; the departments' timeliness; petitions. Ukrainian unless the output's
// language is "en"; numbers meet their nouns through the plural rules of the output's texts (o.L.N:
// "1751 звернення", "1855 питань", "1 appeal"). It is the one entry point of the words: the page, every
// export and the Word document take their paragraphs from here.
func (r *Report) Paragraphs(o Output) []string {
	w := words{r: r, o: o, f: &r.Figures}
	var out []string
	for _, p := range []func() string{w.received, w.hotlines, w.channels, w.personalReception, w.questions,
		w.timeliness, w.results, w.kinds, w.settlements, w.departments, w.petitions} {
		if text := p(); text != "" {
			out = append(out, text)
		}
	}
	return out
}
