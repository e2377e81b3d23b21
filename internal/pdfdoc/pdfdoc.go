// Package pdfdoc lays text out on A4 pages with one embedded Cyrillic font: the one PDF helper behind
// the reports, the council's letters, address labels and the registration-control card.
package pdfdoc

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf"
)

// DejaVu Sans Condensed covers Cyrillic and is free to embed (fonts/LICENSE); the condensed cut keeps
// Form 1's fourteen columns on a landscape A4.
//
//go:embed fonts/DejaVuSansCondensed.ttf
var fontData []byte

const fontName = "dejavu"

// baseLetters are the letters composite glyphs are built from: printable ASCII, the Cyrillic block, the
// dotless i and the accents.
var baseLetters = func() string {
	var b strings.Builder
	for r := rune(0x20); r < 0x7f; r++ {
		b.WriteRune(r)
	}
	for r := rune(0x400); r <= 0x45f; r++ {
		b.WriteRune(r)
	}
	b.WriteString("ıȷҐґ¨´˘")
	return b.String()
}()

// MM is one millimetre in points, the unit of the pages.
const MM = 72 / 25.4

// Size is a page's width and height in points.
type Size struct{ W, H float64 }

// The page sizes in use.
var (
	A4Portrait  = Size{W: 595.28, H: 841.89}
	A4Landscape = Size{W: 841.89, H: 595.28}
)

// Margins of the text area, in points.
type Margins struct{ Top, Right, Bottom, Left float64 }

// Even is the same margin on every side.
func Even(m float64) Margins { return Margins{m, m, m, m} }

// Align of a line within its column.
type Align int

// Alignments.
const (
	Left Align = iota
	Center
	Right
)

// Doc is a document being laid out top to bottom: Y is where the next block starts, and a block that
// would not fit starts a new page. The first error is kept and returned by WriteTo, so layout code reads
// as a list of blocks instead of a chain of checks.
type Doc struct {
	pdf  *gopdf.GoPdf
	page Size
	m    Margins
	Y    float64
	err  error
}

// New starts a document with one page.
func New(page Size, m Margins, title string) (*Doc, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: page.W, H: page.H}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "Hromada"})
	if err := pdf.AddTTFFontData(fontName, fontData); err != nil {
		return nil, fmt.Errorf("PDF font: %w", err)
	}
	if err := pdf.SetFont(fontName, "", 11); err != nil {
		return nil, err
	}
	// gopdf embeds only the glyphs a document uses, and of a composite glyph (ї is ı with a diaeresis,
	// ё is е with one) it adds the parts only when they are drawn too: "Україна" alone printed "Укра¨на".
	// Measuring the base letters puts them in the embedded font without drawing anything.
	if _, err := pdf.MeasureTextWidth(baseLetters); err != nil {
		return nil, fmt.Errorf("PDF font: %w", err)
	}
	d := &Doc{pdf: pdf, page: page, m: m}
	// Text is painted with the PDF's fill colour, and gopdf writes a text colour only once one is set:
	// without this, text after a table's shaded header came out in the header's light grey (and the
	// header itself grey on grey, empty to the eye). Setting it makes every line carry its own colour.
	d.SetColor(Ink[0], Ink[1], Ink[2])
	d.AddPage()
	return d, nil
}

// keep remembers the first error.
func (d *Doc) keep(err error) {
	if d.err == nil {
		d.err = err
	}
}

// AddPage starts a new page of the current size at its top margin.
func (d *Doc) AddPage() {
	d.pdf.AddPageWithOption(gopdf.PageOption{PageSize: &gopdf.Rect{W: d.page.W, H: d.page.H}})
	d.Y = d.m.Top
}

// Turn starts a new page of another size, and the pages after it keep that size: a document's text
// upright, then its wide tables across.
func (d *Doc) Turn(page Size) {
	d.page = page
	d.AddPage()
}

// Left is the left edge of the text area; Width its width.
func (d *Doc) Left() float64  { return d.m.Left }
func (d *Doc) Width() float64 { return d.page.W - d.m.Left - d.m.Right }

// Page is the page size.
func (d *Doc) Page() Size { return d.page }

// Need starts a new page unless h more points fit on this one.
func (d *Doc) Need(h float64) {
	if d.Y+h > d.page.H-d.m.Bottom {
		d.AddPage()
	}
}

// Space moves down by h points.
func (d *Doc) Space(h float64) { d.Y += h }

// Ink is the colour text is drawn with unless SetColor says otherwise: black.
var Ink = [3]uint8{0, 0, 0}

// HeaderFill is the shade behind a table's header row: light enough for black text to keep a contrast
// of 17.6:1 (WCAG asks 4.5:1 of text).
var HeaderFill = [3]uint8{235, 235, 235}

// SetColor sets the colour of the text that follows.
func (d *Doc) SetColor(r, g, b uint8) { d.pdf.SetTextColor(r, g, b) }

func (d *Doc) size(pt float64) { d.keep(d.pdf.SetFontSize(pt)) }

// Lines wraps s to width at size pt, paragraph by paragraph ("\n" starts one; an empty one is kept).
func (d *Doc) Lines(s string, width, pt float64) []string {
	d.size(pt)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, d.wrap(para, width, 0)...)
	}
	return out
}

// Paragraphs writes text in paragraphs ("\n" starts one) wrapped to the text area, the first line of
// each indented by indent points, as official letters set their text.
func (d *Doc) Paragraphs(s string, pt, indent float64) {
	lh := LineHeight(pt)
	d.size(pt)
	for _, para := range strings.Split(s, "\n") {
		first := true
		for _, l := range d.wrap(para, d.Width(), indent) {
			d.Need(lh)
			x := d.m.Left
			if first {
				x += indent
			}
			d.At(x, d.Y, d.Width()-(x-d.m.Left), l, pt, Left)
			d.Y += lh
			first = false
		}
	}
}

// words splits a paragraph where a line may break: at ordinary spaces and tabs only, so a no-break space
// (U+00A0, U+202F) holds a number to its unit as it should. As Ukrainian typesetting wants, a dash set
// apart by spaces stays at the end of the line with the word before it ("громадян –" / "24", never
// "громадян" / "– 24"), and a one-letter word (у, з, в, і, а) or "№" does not end a line but goes on
// with the word after it.
func words(para string) []string {
	fields := strings.FieldsFunc(para, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' })
	var out []string
	glue := false // the last word waits for the next
	for _, f := range fields {
		switch {
		case (f == "–" || f == "—") && len(out) > 0:
			out[len(out)-1] += " " + f
		case glue:
			out[len(out)-1] += " " + f
		default:
			out = append(out, f)
		}
		glue = utf8.RuneCountInString(f) == 1 && unicode.IsLetter([]rune(f)[0]) || f == "№"
	}
	return out
}

// wrap breaks a paragraph between words so each line fits width (the first width-indent); only a word
// longer than a whole line (a long address or link) is broken between letters.
func (d *Doc) wrap(para string, width, indent float64) []string {
	words := words(para)
	if len(words) == 0 {
		return []string{""}
	}
	fits := func(s string, avail float64) bool {
		wd, err := d.pdf.MeasureTextWidth(s)
		return err != nil || wd <= avail
	}
	var lines []string
	line, avail := "", width-indent
	for _, w := range words {
		try := w
		if line != "" {
			try = line + " " + w
		}
		switch {
		case fits(try, avail):
			line = try
		case line != "" && fits(w, width):
			lines = append(lines, line)
			line, avail = w, width
		default: // the word alone is wider than a line
			if line != "" {
				lines = append(lines, line)
			}
			parts, err := d.pdf.SplitText(w, width)
			if err != nil || len(parts) == 0 {
				parts = []string{w}
			}
			lines = append(lines, parts[:len(parts)-1]...)
			line, avail = parts[len(parts)-1], width
		}
	}
	return append(lines, line)
}

// fitSize is the largest size from pt down to MinCellSize, in half points, at which every word of s fits
// width: a narrow column's header ("Інше (повернуто, надіслано, без розгляду)") is set a little smaller
// rather than broken inside a word.
func (d *Doc) fitSize(s string, width, pt float64) float64 {
	size := pt
	for ; size > MinCellSize; size -= 0.5 {
		d.size(size)
		ok := true
		for _, w := range words(s) {
			if wd, err := d.pdf.MeasureTextWidth(w); err == nil && wd > width {
				ok = false
				break
			}
		}
		if ok {
			break
		}
	}
	return max(size, MinCellSize)
}

// MinCellSize is the smallest size a table cell's text is shrunk to so that its words stay whole.
const MinCellSize = 5.0

// LineHeight is the height of a line of text at size pt.
func LineHeight(pt float64) float64 { return pt * 1.35 }

// Text writes a paragraph wrapped to the text area's width.
func (d *Doc) Text(s string, pt float64) { d.Column(d.m.Left, d.Width(), s, pt, Left) }

// Column writes a paragraph wrapped to a column of the page, aligned within it, from Y down.
func (d *Doc) Column(x, width float64, s string, pt float64, align Align) {
	lh := LineHeight(pt)
	for _, l := range d.Lines(s, width, pt) {
		d.Need(lh)
		d.At(x, d.Y, width, l, pt, align)
		d.Y += lh
	}
}

// At writes one line at a place without moving Y; it is cut, not wrapped, at width.
func (d *Doc) At(x, y, width float64, line string, pt float64, align Align) {
	d.size(pt)
	opt := gopdf.CellOption{Align: gopdf.Left | gopdf.Top}
	switch align {
	case Center:
		opt.Align = gopdf.Center | gopdf.Top
	case Right:
		opt.Align = gopdf.Right | gopdf.Top
	}
	d.pdf.SetXY(x, y)
	d.keep(d.pdf.CellWithOption(&gopdf.Rect{W: width, H: LineHeight(pt)}, line, opt))
}

// Rule draws a horizontal line across the text area at Y.
func (d *Doc) Rule(width float64) {
	d.pdf.SetLineWidth(width)
	d.pdf.Line(d.m.Left, d.Y, d.page.W-d.m.Right, d.Y)
}

// Box draws a rectangle's outline (dashed when cut marks are wanted).
func (d *Doc) Box(x, y, w, h float64, dashed bool) {
	d.pdf.SetLineWidth(0.3)
	if dashed {
		d.pdf.SetLineType("dashed")
		defer d.pdf.SetLineType("")
	}
	d.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "D")
}

// Table draws a bordered table from Y: a shaded header, then the rows; the first column is wrapped text
// aligned left, the others right (numbers) unless leftAll. A cell whose longest word is wider than its
// column is set smaller (down to MinCellSize) so words are not broken.
func (d *Doc) Table(widths []float64, header []string, rows [][]string, pt float64, leftAll bool) {
	draw := func(cells []string, head bool) {
		// Height: the tallest wrapped cell.
		wrapped := make([][]string, len(cells))
		sizes := make([]float64, len(cells))
		h := pt * 1.3
		for i, c := range cells {
			sizes[i] = d.fitSize(c, widths[i]-4, pt)
			wrapped[i] = d.Lines(c, widths[i]-4, sizes[i])
			h = max(h, float64(len(wrapped[i]))*sizes[i]*1.3)
		}
		h += 4
		d.Need(h)
		x := d.m.Left
		for i := range cells {
			if head {
				d.pdf.SetFillColor(HeaderFill[0], HeaderFill[1], HeaderFill[2])
				d.pdf.RectFromUpperLeftWithStyle(x, d.Y, widths[i], h, "FD")
				d.pdf.SetFillColor(255, 255, 255)
			} else {
				d.pdf.RectFromUpperLeftWithStyle(x, d.Y, widths[i], h, "D")
			}
			align := gopdf.Right | gopdf.Top
			if i == 0 || head || leftAll {
				align = gopdf.Left | gopdf.Top
			}
			d.size(sizes[i])
			lineH := sizes[i] * 1.3
			for j, l := range wrapped[i] {
				d.pdf.SetXY(x+2, d.Y+2+float64(j)*lineH)
				d.keep(d.pdf.CellWithOption(&gopdf.Rect{W: widths[i] - 4, H: lineH}, l, gopdf.CellOption{Align: align}))
			}
			x += widths[i]
		}
		d.Y += h
	}
	if header != nil {
		draw(header, true)
	}
	for _, r := range rows {
		draw(r, false)
	}
	d.Y += pt
}

// Err is the first layout error, if any.
func (d *Doc) Err() error { return d.err }

// Write writes the document, or the first layout error.
func (d *Doc) Write(w io.Writer) error {
	if d.err != nil {
		return fmt.Errorf("PDF: %w", d.err)
	}
	_, err := d.pdf.WriteTo(w)
	return err
}
