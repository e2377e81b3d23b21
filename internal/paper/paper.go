// Package paper lays out the council's paper documents for print and PDF: official letters as ДСТУ
// 4163:2020 sets out a letter on a letterhead, sheets of address labels for the envelopes, and the
// registration-control card of an appeal (instruction 348). Letters are in Ukrainian, the state
// language, whatever language the staff member reads the site in; their texts are templates per kind.
package paper

import (
	"io"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/pdfdoc"
)

// Letterhead is the council's letterhead (бланк листа): its full name and the reference details ДСТУ
// 4163:2020 puts under it.
type Letterhead struct {
	Name    string `json:"name"`
	Address string `json:"address"` // postal address
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Website string `json:"website"`
	EDRPOU  string `json:"edrpou"` // the code in the Unified State Register (ЄДРПОУ)
}

// Details is the line of reference details under the name, in the standard's order.
func (h Letterhead) Details() string {
	var parts []string
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			parts = append(parts, label+v)
		}
	}
	add("", h.Address)
	add("тел. ", h.Phone)
	add("e-mail: ", h.Email)
	add("", h.Website)
	add("код ЄДРПОУ ", h.EDRPOU)
	return strings.Join(parts, ", ")
}

// Letter is one official letter as it is printed.
type Letter struct {
	Letterhead Letterhead
	OutNumber  string
	Date       time.Time // a calendar date
	// Reference is the document answered: the appeal's index and date ("На № К-12/26 від 01.03.2026").
	Reference string
	// The addressee: a person's name or a body's, and the postal address (lines separated by "\n").
	AddresseeName    string
	AddresseeAddress string
	Subject          string // the heading to the text: "Про ..."
	Body             string // paragraphs separated by "\n"
	Enclosure        string // "Додаток: ..." ("" for none)
	SignatoryTitle   string // the signatory's position
	SignatoryName    string // "Ім'я ПРІЗВИЩЕ"
	Executor         string // "Ім'я ПРІЗВИЩЕ, тел. ..." of who prepared it
}

// DateText is the letter's date as official documents write it (ДСТУ 4163:2020: digits, dd.mm.yyyy).
func (l Letter) DateText() string { return l.Date.Format("02.01.2006") }

// The page of a letter (ДСТУ 4163:2020: left margin at least 30 mm, right 10 mm, top and bottom 20 mm).
var letterMargins = pdfdoc.Margins{Top: 20 * pdfdoc.MM, Right: 10 * pdfdoc.MM, Bottom: 20 * pdfdoc.MM, Left: 30 * pdfdoc.MM}

// Sizes of a letter's type, in points.
const (
	textPt     = 12 // the text
	detailsPt  = 9  // the letterhead's details
	headPt     = 13 // the council's name
	executorPt = 9  // the executor's mark
)

// addresseeFrom is where the addressee's block starts, from the page's left edge: 92 mm from the left
// margin, as guides to ДСТУ 4163 place it (verified against secondary sources, not the standard's text).
const addresseeFrom = 30*pdfdoc.MM + 92*pdfdoc.MM

// WriteLetters writes the letters into one PDF, each starting on a new page.
func WriteLetters(w io.Writer, letters []Letter) error {
	title := "Листи"
	if len(letters) == 1 {
		title = "Лист № " + letters[0].OutNumber
	}
	d, err := pdfdoc.New(pdfdoc.A4Portrait, letterMargins, title)
	if err != nil {
		return err
	}
	for i, l := range letters {
		if i > 0 {
			d.AddPage()
		}
		layLetter(d, l)
	}
	return d.Write(w)
}

// layLetter lays one letter out from the top of a page.
func layLetter(d *pdfdoc.Doc, l Letter) {
	left, width := d.Left(), d.Width()
	// The letterhead, centred: the name, the details, a rule under them.
	d.Column(left, width, strings.ToUpper(l.Letterhead.Name), headPt, pdfdoc.Center)
	d.Space(2)
	d.Column(left, width, l.Letterhead.Details(), detailsPt, pdfdoc.Center)
	d.Space(3)
	d.Rule(1.2)
	d.Space(10)

	// The date and number with the reference on the left; the addressee on the right, from the same line.
	top := d.Y
	leftW := addresseeFrom - left - 10
	d.Column(left, leftW, l.DateText()+" № "+l.OutNumber, textPt, pdfdoc.Left)
	if l.Reference != "" {
		d.Column(left, leftW, l.Reference, textPt, pdfdoc.Left)
	}
	below := d.Y
	d.Y = top
	rightW := d.Page().W - addresseeFrom - 10*pdfdoc.MM
	d.Column(addresseeFrom, rightW, l.AddresseeName, textPt, pdfdoc.Left)
	if l.AddresseeAddress != "" {
		d.Column(addresseeFrom, rightW, l.AddresseeAddress, textPt, pdfdoc.Left)
	}
	d.Y = max(d.Y, below) + 14

	// The heading to the text, the text with indented paragraphs, the enclosures.
	if l.Subject != "" {
		d.Column(left, width*0.6, l.Subject, textPt, pdfdoc.Left)
		d.Space(10)
	}
	d.Paragraphs(l.Body, textPt, 10*pdfdoc.MM)
	if l.Enclosure != "" {
		d.Space(10)
		d.Column(left, width, l.Enclosure, textPt, pdfdoc.Left)
	}

	// The signature: the position on the left, the name on the right of the same line.
	d.Space(30)
	d.Need(pdfdoc.LineHeight(textPt) * 2)
	y := d.Y
	d.Column(left, width*0.55, l.SignatoryTitle, textPt, pdfdoc.Left)
	sigY := d.Y
	d.Y = y
	d.Column(left+width*0.6, width*0.4, l.SignatoryName, textPt, pdfdoc.Right)
	d.Y = max(d.Y, sigY)

	// The executor's mark at the foot of the last page.
	if l.Executor != "" {
		lh := pdfdoc.LineHeight(executorPt)
		foot := d.Page().H - letterMargins.Bottom - lh
		if d.Y+lh*2 > foot {
			d.AddPage()
		}
		d.At(left, foot, width, "Виконавець: "+l.Executor, executorPt, pdfdoc.Left)
	}
}

// Address is what goes on an envelope: the addressee and the postal address.
type Address struct {
	Name, Lines string
	OutNumber   string // printed small, to match the envelope to its letter
}

// Labels: 2 across and 8 down an A4 sheet, 105 × 37 mm each (a common sheet of labels); printed on plain
// paper the dashed outlines are where to cut.
const (
	labelCols, labelRows = 2, 8
	labelW, labelH       = 105 * pdfdoc.MM, 37 * pdfdoc.MM
	labelTop             = (297*pdfdoc.MM - labelRows*labelH) / 2
	labelPad             = 5 * pdfdoc.MM
)

// WriteLabels writes the addresses as a sheet of labels, as many sheets as they need.
func WriteLabels(w io.Writer, addresses []Address) error {
	d, err := pdfdoc.New(pdfdoc.A4Portrait, pdfdoc.Even(0), "Адреси для конвертів")
	if err != nil {
		return err
	}
	for i, a := range addresses {
		n := i % (labelCols * labelRows)
		if i > 0 && n == 0 {
			d.AddPage()
		}
		x := float64(n%labelCols) * labelW
		y := labelTop + float64(n/labelCols)*labelH
		d.Box(x, y, labelW, labelH, true)
		d.Y = y + labelPad
		inner := labelW - 2*labelPad
		d.Column(x+labelPad, inner, a.Name, 11, pdfdoc.Left)
		d.Column(x+labelPad, inner, a.Lines, 10, pdfdoc.Left)
		if a.OutNumber != "" {
			d.At(x+labelPad, y+labelH-labelPad-pdfdoc.LineHeight(7), inner, "№ "+a.OutNumber, 7, pdfdoc.Right)
		}
	}
	return d.Write(w)
}

// Card is a form of named fields, such as the registration-control card: a title and its rows.
type Card struct {
	Council string
	Title   string
	Rows    [][2]string // field, value
}

// WriteCard writes the card on A4: the council, the title, then the fields as a two-column table.
func WriteCard(w io.Writer, c Card) error {
	d, err := pdfdoc.New(pdfdoc.A4Portrait, letterMargins, c.Title)
	if err != nil {
		return err
	}
	d.Column(d.Left(), d.Width(), c.Council, 11, pdfdoc.Center)
	d.Column(d.Left(), d.Width(), c.Title, 13, pdfdoc.Center)
	d.Space(8)
	rows := make([][]string, len(c.Rows))
	for i, r := range c.Rows {
		rows[i] = []string{r[0], r[1]}
	}
	d.Table([]float64{d.Width() * 0.35, d.Width() * 0.65}, nil, rows, 10, true)
	return d.Write(w)
}
