package report

import (
	"io"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"
)

// The DOCX is written with github.com/gomutex/godocx (MIT, pure Go, maintained: commits through 2025; the
// version is pinned in go.mod). The others weighed: fumiama/go-docx is AGPL-3.0, which would bind every
// council running Hromada to publish their changes; unidoc/unioffice needs a paid licence; baliance/gooxml
// is archived; lukasjarosch/go-docx and nguyenthenguyen/docx only replace text in an existing template.
// godocx writes real Word structure — paragraph styles (Heading 1, Heading 2), tables with a grid, section
// properties — and reads it back, which the tests use.

// The page as ДСТУ 4163:2020 sets it for organisational documents (verify against the standard's text
// before relying on it in an audit): A4, margins left 30 mm, right 10 mm, top and bottom 20 mm, Times New
// Roman of 12–14 points (14 here), a first-line indent of 10 mm (verify: older practice uses 12.5 mm).
// Word counts in twips, 1/20 of a point.
const (
	twipsPerMM   = 1440 / 25.4
	docFont      = "Times New Roman"
	docTextSize  = 14 // points
	a4ShortTwips = 11906
	a4LongTwips  = 16838
)

func mm(v float64) int { return int(v*twipsPerMM + 0.5) }

// section is the page of a section: A4 upright for the text, across for the wide forms.
func section(landscape bool) *ctypes.SectionProp {
	w, h, orient := uint64(a4ShortTwips), uint64(a4LongTwips), stypes.PageOrientPortrait
	if landscape {
		w, h, orient = h, w, stypes.PageOrientLandscape
	}
	left, right, top, bottom, edge, gutter := mm(30), mm(10), mm(20), mm(20), mm(12.5), 0
	return &ctypes.SectionProp{
		PageSize:   &ctypes.PageSize{Width: &w, Height: &h, Orient: orient},
		PageMargin: &ctypes.PageMargin{Left: &left, Right: &right, Top: &top, Bottom: &bottom, Header: &edge, Footer: &edge, Gutter: &gutter},
	}
}

// textWidth is the width between the margins, in twips.
func textWidth(landscape bool) int {
	if landscape {
		return a4LongTwips - mm(30) - mm(10)
	}
	return a4ShortTwips - mm(30) - mm(10)
}

// WriteDOCX writes the whole document (Outline) as a Word document: headings in Word's heading styles, so
// the navigation pane and a table of contents find them; the forms as Word tables; Times New Roman
// throughout, black, with ДСТУ 4163:2020's margins; the text upright, the forms' pages across.
func (r *Report) WriteDOCX(w io.Writer, o Output) error {
	doc, err := godocx.NewDocument()
	if err != nil {
		return err
	}
	councilStyles(doc)
	landscape := false
	for _, b := range r.Outline(o) {
		switch b.Kind {
		case BlockAddressee:
			for _, l := range b.Lines {
				p := doc.AddEmptyParagraph()
				left := textWidth(false) / 2
				p.Indent(&ctypes.Indent{Left: &left})
				p.AddText(l)
			}
			doc.AddEmptyParagraph()
		case BlockTitle:
			for i, l := range b.Lines {
				var p *docx.Paragraph
				if i == 0 {
					if p, err = doc.AddHeading(l, 0); err != nil {
						return err
					}
				} else {
					p = doc.AddEmptyParagraph()
					p.AddText(l).Bold(true)
				}
				p.Justification(stypes.JustificationCenter)
			}
		case BlockIssue:
			p := doc.AddEmptyParagraph()
			p.AddText(b.Lines[0]).Bold(true).Color("C00000")
		case BlockHeading:
			if _, err := doc.AddHeading(b.Lines[0], uint(b.Level)); err != nil {
				return err
			}
		case BlockParagraph:
			body(doc.AddParagraph(b.Lines[0]))
		case BlockToFill:
			p := doc.AddEmptyParagraph()
			body(p)
			p.AddText(b.Lines[0]).Italic(true).Highlight("yellow")
		case BlockSignature:
			doc.AddEmptyParagraph()
			doc.AddParagraph(b.Left)
			p := doc.AddParagraph(b.Right)
			p.Justification(stypes.JustificationRight)
		case BlockApproval:
			doc.AddEmptyParagraph()
			for i, l := range b.Lines {
				p := doc.AddEmptyParagraph()
				p.AddText(l).Bold(i == 0)
			}
		case BlockAnnex:
			// A section ends with the paragraph that carries its properties; the last section's are the body's.
			p := doc.AddEmptyParagraph()
			p.GetCT().Property = ctypes.DefaultParaProperty()
			p.GetCT().Property.SectPr = section(false)
			landscape = true
		case BlockTable:
			docTable(doc, b.Table, textWidth(landscape))
			doc.AddEmptyParagraph()
		}
	}
	doc.Document.Body.SectPr = section(landscape)
	return doc.Write(w)
}

// body sets a paragraph of text as ДСТУ 4163:2020 does: justified, the first line indented by 10 mm.
func body(p *docx.Paragraph) {
	indent := uint64(mm(10))
	p.Indent(&ctypes.Indent{FirstLine: &indent})
	p.Justification(stypes.JustificationBoth)
}

// docTable adds a table in Word's "Table Grid" style (every cell bordered), the columns scaled to width,
// the header row and total rows bold, numbers right-aligned.
func docTable(doc *docx.RootDoc, t *Table, width int) {
	tbl := doc.AddTable()
	tbl.Style("TableGrid")
	var sum float64
	for _, w := range t.Widths {
		sum += w
	}
	cols := make([]int, len(t.Widths))
	grid := make([]uint64, len(t.Widths))
	for i, w := range t.Widths {
		cols[i] = int(float64(width) * w / sum)
		grid[i] = uint64(cols[i])
	}
	tbl.Width(width, stypes.TableWidthDxa)
	tbl.Grid(grid...)
	tbl.Layout(stypes.TableLayoutFixed)
	// Narrow cell margins (1 mm a side instead of Word's 1.9): Form 1's fourteen columns fit across A4
	// without breaking its header words.
	sideW, dxa := mm(1), stypes.TableWidthDxa
	side := &ctypes.TableWidth{Width: &sideW, WidthType: &dxa}
	tbl.CellMargin(nil, side, nil, side)
	row := func(cells []string, bold, header bool) {
		size := uint64(t.Size)
		if header && size > 7 {
			size-- // header words are the longest: a point smaller keeps them whole
		}
		tr := tbl.AddRow()
		for i, s := range cells {
			c := tr.AddCell()
			c.Width(cols[i], stypes.TableWidthDxa)
			p := c.AddEmptyPara()
			p.Spacing(0, 0)
			if header {
				p.Justification(stypes.JustificationCenter)
			} else if i > 0 && isNumber(s) {
				p.Justification(stypes.JustificationRight)
			}
			p.AddText(s).Size(size).Bold(bold)
		}
	}
	row(t.Header, true, true)
	for i, cells := range t.Rows {
		row(cells, i < len(t.Total) && t.Total[i], false)
	}
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

// councilStyles makes the document's defaults and the styles it uses Times New Roman in black: the
// library's template follows Word's theme (Calibri, Cambria, blue headings), which a council's document
// does not. Paragraphs have no space after them and single line spacing, as the seed's.
func councilStyles(doc *docx.RootDoc) {
	fonts := func() *ctypes.RunFonts {
		return &ctypes.RunFonts{Ascii: docFont, HAnsi: docFont, EastAsia: docFont, CS: docFont}
	}
	uk := "uk-UA"
	s := doc.DocStyles
	if s.DocDefaults == nil {
		s.DocDefaults = &ctypes.DocDefault{}
	}
	s.DocDefaults.RunProp = &ctypes.RunPropDefault{RunProp: &ctypes.RunProperty{Fonts: fonts(),
		Size: ctypes.NewFontSize(docTextSize * 2), SizeCs: ctypes.NewFontSizeCS(docTextSize * 2), Lang: &ctypes.Lang{Val: &uk}}}
	zero, single, auto := uint64(0), 240, stypes.LineSpacingRuleAuto
	s.DocDefaults.ParaProp = &ctypes.ParaPropDefault{ParaProp: &ctypes.ParagraphProp{
		Spacing: &ctypes.Spacing{After: &zero, Line: &single, LineRule: &auto}}}
	sizes := map[string]uint64{"Title": 16, "Heading1": 14, "Heading2": 14}
	for i := range s.StyleList {
		st := &s.StyleList[i]
		if st.ID == nil {
			continue
		}
		size, ok := sizes[*st.ID]
		if !ok {
			continue
		}
		if st.RunProp == nil {
			st.RunProp = &ctypes.RunProperty{}
		}
		st.RunProp.Fonts = fonts()
		st.RunProp.Color = &ctypes.Color{Val: "000000"}
		st.RunProp.Size = ctypes.NewFontSize(size * 2)
		st.RunProp.SizeCs = ctypes.NewFontSizeCS(size * 2)
		st.RunProp.Bold = &ctypes.OnOff{}
		if st.ParaProp != nil {
			st.ParaProp.Border = nil // Word's Title draws a blue rule under itself
			before, after := uint64(240), uint64(120)
			st.ParaProp.Spacing = &ctypes.Spacing{Before: &before, After: &after}
		}
	}
}
