package intake

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
)

// maxAnswerText bounds the short answer text sent back: the contact centres' cabinets take a summary,
// not the letter (the limit is a guess; the letter itself stays in the registry).
const maxAnswerText = 1000

// backFields are the columns of the results, in the order they are written.
var backFields = []string{"card_number", "result", "answer_date", "out_number", "answer_text", "executor"}

// Results is the source's answered cards in its own layout: the header row and one row a card.
type Results struct {
	Header []string
	Rows   [][]string
}

// Results gives the source's cards answered from one date to another (inclusive) back in the profile's
// layout: its card number, the result in its coding (the reverse of the profile's result map), the
// answer's date, outgoing number, short text and executor. The export is audited.
func (s *Service) Results(ctx context.Context, profileID int64, from, to time.Time) (*Results, error) {
	p, err := s.Get(ctx, profileID)
	if err != nil {
		return nil, err
	}
	sp, err := p.Spec()
	if err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, errs.Validation{"to": "intake.error.period"}.Err()
	}
	if _, ok := sp.Column("result"); !ok {
		return nil, errs.Validation{"profile": "intake.error.no_result_column"}.Err()
	}
	theirs := map[string]string{}
	for _, pr := range sp.Values["result"] {
		if _, ok := theirs[pr.Ours]; !ok {
			theirs[pr.Ours] = pr.Their // the first spelling of a result is the one sent
		}
	}
	cards, err := s.reg.AnsweredCards(ctx, p.SourceID, from, to)
	if err != nil {
		return nil, err
	}
	res := &Results{}
	var fields []string
	for _, f := range backFields {
		if c, ok := sp.Column(f); ok {
			fields = append(fields, f)
			res.Header = append(res.Header, c.Headers[0])
		}
	}
	layout := dateLayout(sp)
	var unmapped []string
	for _, c := range cards {
		result, ok := theirs[c.Result]
		if !ok && !slices.Contains(unmapped, c.Result) {
			unmapped = append(unmapped, c.Result)
		}
		row := make([]string, len(fields))
		for i, f := range fields {
			switch f {
			case "card_number":
				row[i] = c.ExternalNumber
			case "result":
				row[i] = result
			case "answer_date":
				row[i] = s.clock.Date(c.AnsweredAt).Format(layout)
			case "out_number":
				row[i] = c.OutNumber
			case "answer_text":
				row[i] = form.Cut(strings.TrimSpace(c.AnswerText), maxAnswerText)
			case "executor":
				row[i] = c.Executor
			}
		}
		res.Rows = append(res.Rows, row)
	}
	if len(unmapped) > 0 {
		// A result the source's coding has no word for would go back as something it is not.
		return nil, errs.Validation{"profile": "intake.error.result_unmapped"}.Err()
	}
	zone := s.clock.Zone()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return audit.Record(ctx, tx, auditResults, "source", p.SourceID, fmt.Sprintf("profile=%d from=%s to=%s cards=%d",
			p.ID, from.In(zone).Format(time.DateOnly), to.In(zone).Format(time.DateOnly), len(res.Rows)))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// dateLayout is how the results write a date: the profile's first format without a time, else its first.
func dateLayout(sp *Spec) string {
	for _, l := range sp.layouts {
		if !strings.Contains(l, "15") {
			return l
		}
	}
	if len(sp.layouts) > 0 {
		return sp.layouts[0]
	}
	return "02.01.2006"
}

// WriteCSV writes the results as Excel reads CSV: UTF-8 with a byte order mark, ";" between cells, CRLF.
// Cells that a spreadsheet would run as a formula are defused.
func (r *Results) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	safe := func(row []string) []string { // the header too: staff write it in the profile
		out := make([]string, len(row))
		for i, v := range row {
			out[i] = form.CSVSafe(v)
		}
		return out
	}
	if err := cw.Write(safe(r.Header)); err != nil {
		return err
	}
	for _, row := range r.Rows {
		if err := cw.Write(safe(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the results as one sheet, every cell text (card numbers keep their leading zeros).
func (r *Results) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	write := func(n int, row []string) error {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	}
	if err := write(1, r.Header); err != nil {
		return err
	}
	for i, row := range r.Rows {
		if err := write(i+2, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
