package report

import (
	"io"

	"github.com/hromada/hromada/internal/pdfdoc"
)

// The PDF is the same whole document as the DOCX (Outline), on the same page: A4 upright with ДСТУ
// 4163:2020's margins (left 30 mm, right 10 mm, top and bottom 20 mm) for the text, A4 across for the
// forms. The PDF's one font is the embedded DejaVu (every Ukrainian letter, any reader), at 12 points, the
// standard's lower bound, since it sets wider than Times New Roman.
var pdfMargins = pdfdoc.Margins{Top: 20 * pdfdoc.MM, Right: 10 * pdfdoc.MM, Bottom: 20 * pdfdoc.MM, Left: 30 * pdfdoc.MM}

const pdfText = 12.0 // points

// WritePDF writes the whole document as a print-ready PDF: the addressee, the title, broken identities
// (in red, marked as errors in words too), parts I and II, the signature and ПОГОДЖЕНО blocks, then the
// tables of part II on pages across.
func (r *Report) WritePDF(w io.Writer, o Output) error {
	p, err := pdfdoc.New(pdfdoc.A4Portrait, pdfMargins, o.T("report.title")+" "+r.Period.String())
	if err != nil {
		return err
	}
	lh := pdfdoc.LineHeight(pdfText)
	for _, b := range r.Outline(o) {
		switch b.Kind {
		case BlockAddressee:
			half := p.Width() / 2
			for _, l := range b.Lines {
				p.Column(p.Left()+half, half, l, pdfText, pdfdoc.Left)
			}
			p.Space(lh)
		case BlockTitle:
			for i, l := range b.Lines {
				size := pdfText
				if i == 0 {
					size = 15
				}
				p.Column(p.Left(), p.Width(), l, size, pdfdoc.Center)
			}
			p.Space(lh / 2)
		case BlockIssue:
			p.SetColor(192, 0, 0)
			p.Text(b.Lines[0], pdfText)
			p.SetColor(pdfdoc.Ink[0], pdfdoc.Ink[1], pdfdoc.Ink[2])
		case BlockHeading:
			p.Space(lh / 2)
			p.Need(3 * lh) // a heading never ends a page alone
			size := pdfText + 1
			if b.Level > 1 {
				size = pdfText
			}
			p.Text(b.Lines[0], size)
			p.Space(lh / 4)
		case BlockParagraph, BlockToFill:
			p.Paragraphs(b.Lines[0], pdfText, 10*pdfdoc.MM)
		case BlockSignature:
			p.Space(lh)
			p.Need(3 * lh)
			top := p.Y
			p.Column(p.Left(), p.Width()*0.6, b.Left, pdfText, pdfdoc.Left)
			bottom := p.Y
			p.Y = bottom - lh // the name on the position's last line, at the right margin
			p.Column(p.Left(), p.Width(), b.Right, pdfText, pdfdoc.Right)
			p.Y = max(bottom, top+lh)
		case BlockApproval:
			p.Space(lh)
			p.Need(float64(len(b.Lines)) * lh)
			for _, l := range b.Lines {
				p.Text(l, pdfText)
			}
		case BlockAnnex:
			p.Turn(pdfdoc.A4Landscape)
		case BlockTable:
			t := b.Table
			var sum float64
			for _, w := range t.Widths {
				sum += w
			}
			widths := make([]float64, len(t.Widths))
			for i, w := range t.Widths {
				widths[i] = p.Width() * w / sum
			}
			p.Need(80)
			p.Table(widths, t.Header, t.Rows, t.Size, false)
		}
	}
	return p.Write(w)
}
