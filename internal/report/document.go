package report

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The parts of the document whose prose staff type for a period (internal/reporttext keeps them).
const (
	PartAnalytical     = "analytical"     // I.1's opening, before the figures; may stay empty
	PartMethodical     = "methodical"     // I.2 methodical work
	PartOrganisational = "organisational" // I.3 organisational work
	PartNovelties      = "novelties"      // I.4 novelties
)

// Parts are the typed parts in the document's order.
var Parts = []string{PartAnalytical, PartMethodical, PartOrganisational, PartNovelties}

// Heading is what configuration says about the people of the document: to whom it goes (in the dative,
// as the seed writes "Міському голові / Андрію БІЛОУСОВУ"), whose work it reports (the unit in the
// genitive after "про роботу"), who signs it and who approves it (ПОГОДЖЕНО). Every field may be empty: its
// place in the document is then a line to write by hand.
type Heading struct {
	AddresseePosition, AddresseeName string
	Unit                             string
	SignatoryPosition, SignatoryName string
	ApproverPosition, ApproverName   string
}

// Document is the whole document's input beside the figures: the heading and the period's texts by part.
type Document struct {
	Heading
	Texts map[string]string // part → the latest text; a missing or blank part is marked for filling in
}

// blank is a line to write on by hand, as the seed's "від _________ №_______".
const blank = "____________________"

// BlockKind says how a block of the document is laid out.
type BlockKind int

// The kinds of blocks, from the top of the document.
const (
	BlockAddressee BlockKind = iota // lines in the right half of the page
	BlockTitle                      // centred lines, the first the document's kind
	BlockIssue                      // a broken identity of the forms, in red and in words
	BlockHeading                    // a heading of Level 1 or 2 (Word's Heading 1, Heading 2)
	BlockParagraph                  // body text, justified with a first-line indent
	BlockToFill                     // a part nobody typed: marked so that it is filled in before signing
	BlockSignature                  // Left: the position; Right: the name
	BlockApproval                   // the ПОГОДЖЕНО block: one line each
	BlockAnnex                      // the tables start on a landscape page of their own
	BlockTable                      // Table
)

// Block is one piece of the document.
type Block struct {
	Kind        BlockKind
	Level       int      // headings
	Lines       []string // addressee, title, approval; a paragraph's text is Lines[0]
	Left, Right string   // signature
	Table       *Table
}

// Table is a table of the document: a header row, rows, relative column widths, and which rows are totals.
type Table struct {
	Header []string
	Rows   [][]string
	Widths []float64 // relative; the writer scales them to the page
	Total  []bool    // per row
	Size   float64   // the font size in points: the wide forms need a smaller one than the text
}

// Outline is the whole document in the seed's structure, as blocks both the DOCX and the PDF lay out: the
// addressee, the title with the period, broken identities, part I (1. the figures in words after the
// typed opening, 2.–4. the typed parts), part II announced, the signature and ПОГОДЖЕНО blocks, then
// the tables of part II (the headline figures with the year earlier, Form 1 by channel and by settlement,
// Form 2) as the attachment the seed refers to.
func (r *Report) Outline(o Output) []Block {
	d := o.Document
	or := func(s, def string) string {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
		return def
	}
	var out []Block
	add := func(b Block) { out = append(out, b) }
	para := func(s string) { add(Block{Kind: BlockParagraph, Lines: []string{s}}) }
	heading := func(level int, s string) { add(Block{Kind: BlockHeading, Level: level, Lines: []string{s}}) }

	add(Block{Kind: BlockAddressee, Lines: []string{or(d.AddresseePosition, blank), or(d.AddresseeName, blank)}})
	add(Block{Kind: BlockTitle, Lines: []string{o.T("docx.title"),
		o.T("docx.title.about") + " " + or(d.Unit, o.T("docx.title.unit")), r.periodIn(o)}})
	for _, t := range r.IssueTexts(o) {
		add(Block{Kind: BlockIssue, Lines: []string{o.T("report.identity.error") + ": " + t}})
	}

	heading(1, o.T("docx.part1"))
	typed := func(part string) (paras []string) {
		for _, p := range strings.Split(strings.ReplaceAll(d.Texts[part], "\r\n", "\n"), "\n") {
			if p = strings.TrimSpace(p); p != "" {
				paras = append(paras, p)
			}
		}
		return paras
	}
	heading(2, o.T("docx.part1."+PartAnalytical))
	for _, p := range typed(PartAnalytical) {
		para(p)
	}
	for _, p := range r.Paragraphs(o) {
		para(p)
	}
	for _, part := range Parts[1:] {
		heading(2, o.T("docx.part1."+part))
		paras := typed(part)
		if len(paras) == 0 {
			add(Block{Kind: BlockToFill, Lines: []string{o.T("docx.tofill")}})
		}
		for _, p := range paras {
			para(p)
		}
	}

	heading(1, o.T("docx.part2"))
	para(o.T("docx.part2.attached"))
	add(Block{Kind: BlockSignature, Left: or(d.SignatoryPosition, blank), Right: or(d.SignatoryName, blank)})
	add(Block{Kind: BlockApproval, Lines: []string{o.T("docx.approved"), or(d.ApproverPosition, blank),
		blank + " " + strings.TrimSpace(d.ApproverName)}})

	add(Block{Kind: BlockAnnex})
	heading(1, o.T("docx.annex"))
	return append(out, r.tableBlocks(o)...)
}

// periodIn names the period for the title: "у І кварталі 2024 року", "in Q1 2024".
func (r *Report) periodIn(o Output) string {
	from, to := r.FromTo()
	if o.Lang == "en" {
		s := periodEN(from, to)
		return strings.ToLower(s[:1]) + s[1:]
	}
	in, _ := periodUK(from, to)
	return "у" + strings.TrimPrefix(in, "У")
}

// tableBlocks are part II's tables: the headline figures beside the year earlier, Form 1 by channel and by
// settlement, Form 2 with the year earlier.
func (r *Report) tableBlocks(o Output) []Block {
	var out []Block
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	prev := r.Previous
	if prev == nil {
		prev = &Figures{}
	}
	table := func(title string, t *Table) {
		out = append(out, Block{Kind: BlockHeading, Level: 2, Lines: []string{title}}, Block{Kind: BlockTable, Table: t})
	}

	// The period beside the same days a year earlier and the period just before it.
	summary := &Table{Header: []string{o.T("report.figures.row"), r.Period.String(), prev.Period.String(), r.PreviousPeriodName(o)},
		Widths: []float64{3, 1.2, 1.2, 2}, Size: 10}
	for _, l := range r.Summary(o) {
		summary.Rows = append(summary.Rows, []string{l.Name, n(l.Value), n(l.Previous), n(l.PreviousPeriod)})
		summary.Total = append(summary.Total, false)
	}
	table(o.T("report.figures")+" · "+r.Period.String(), summary)

	// Timeliness per department (executive body) and per settlement.
	for _, tv := range r.Timetables(o) {
		t := &Table{Header: append([]string{tv.RowTitle}, TimelinessHeader(o)...), Widths: []float64{4}, Size: 9}
		for range TimelinessColumns {
			t.Widths = append(t.Widths, 1.3)
		}
		for _, row := range tv.Rows {
			t.Rows = append(t.Rows, append([]string{row.Label}, row.Values...))
			t.Total = append(t.Total, row.Total)
		}
		table(tv.Title+" · "+r.Period.String(), t)
	}

	byChannel, bySettlement := r.Form1Tables(o)
	form1 := func(t Form1Table, rowTitle string) *Table {
		// Each column as wide as its header's longest word (and a margin), so no word breaks across lines
		// at 7 points; the row's names take what is left.
		out := &Table{Header: []string{rowTitle}, Widths: []float64{34}, Size: 8}
		for _, c := range Columns {
			h := o.T("report.col." + c)
			longest := 4
			for _, w := range strings.Fields(h) {
				longest = max(longest, utf8.RuneCountInString(w))
			}
			out.Header = append(out.Header, h)
			out.Widths = append(out.Widths, float64(longest)+5)
		}
		for _, row := range t.Rows {
			cells := []string{row.Label}
			for _, v := range row.Cur {
				cells = append(cells, n(v))
			}
			out.Rows = append(out.Rows, cells)
			out.Total = append(out.Total, row.Total)
		}
		return out
	}
	table(o.T("report.form1.title")+" · "+r.Period.String(), form1(byChannel, o.T("report.form1.row")))
	table(o.T("report.form1s.title")+" · "+r.Period.String(), form1(bySettlement, o.T("report.form1s.row")))

	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	form2 := &Table{Header: []string{o.T("report.form2.subject"), o.T("report.form2.count"),
		o.T("report.form2.share"), o.T("report.form2.count") + " " + o.T("report.previous_short"),
		o.T("report.form2.share") + " " + o.T("report.previous_short")},
		Widths: []float64{6.7, 1.3, 1.3, 1.3, 1.3}, Size: 10}
	for _, l := range r.SubjectLines(o) {
		name := l.Name
		if l.Outside {
			name += " — " + o.T("report.form2.outside")
		}
		// The code and the name in one cell, as the council's form writes them ("09 Комунальне господарство").
		form2.Rows = append(form2.Rows, []string{l.Code + " " + name, n(l.Current.Count), f(l.Current.Share),
			n(l.Previous.Count), f(l.Previous.Share)})
		form2.Total = append(form2.Total, false)
	}
	form2.Rows = append(form2.Rows, []string{o.T("report.row.total"), n(r.Questions), "100.0", n(prev.Questions), "100.0"})
	form2.Total = append(form2.Total, true)
	table(o.T("report.form2.title")+" · "+r.Period.String(), form2)
	return out
}
