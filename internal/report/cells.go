package report

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/reportcells"
)

// The report reads its cells (internal/reportcells, migration 00022) for the whole months and years of a
// period; the days of a period that make no whole month are read live, from the same index as before: at
// most two partial months.

// Prepare builds the report's cells in the council's zone loc unless they already are, so that the first
// report after an upgrade (or a change of zone) does not pay for it. A report prepares them itself too.
func Prepare(ctx context.Context, gdb *gorm.DB, loc *time.Location) error {
	_, err := reportcells.Ensure(ctx, gdb, loc)
	return err
}

// split parts the days from..to into the buckets read from the cells (whole years, then whole months)
// and the spans of days read live.
func split(from, to time.Time) (buckets []string, spans [][2]time.Time) {
	d := from
	live := func(last time.Time) {
		if n := len(spans); n > 0 && spans[n-1][1].AddDate(0, 0, 1).Equal(d) {
			spans[n-1][1] = last
		} else {
			spans = append(spans, [2]time.Time{d, last})
		}
	}
	for !d.After(to) {
		switch {
		case d.YearDay() == 1 && !d.AddDate(1, 0, -1).After(to):
			buckets = append(buckets, d.Format("2006"))
			d = d.AddDate(1, 0, 0)
		case d.Day() == 1 && !d.AddDate(0, 1, -1).After(to):
			buckets = append(buckets, d.Format("2006-01"))
			d = d.AddDate(0, 1, 0)
		default:
			// Up to the month's end or the period's.
			last := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, d.Location())
			if last.After(to) {
				last = to
			}
			live(last)
			d = last.AddDate(0, 0, 1)
		}
	}
	return buckets, spans
}

// cellTally sums the cells of the buckets.
func (q *querier) cellTally(buckets []string) (*tally, error) {
	t := &tally{}
	var cube []struct {
		Channel, Type, Nature, Sign, Result, Settlement string
		Priority                                        int
		N, Signers                                      int64
	}
	if err := q.db.Raw(`SELECT channel, type, nature, sign, priority, result, settlement, SUM(n) AS n, SUM(signers) AS signers
		FROM report_appeal_cells WHERE bucket IN ?
		GROUP BY channel, type, nature, sign, priority, result, settlement HAVING SUM(n) <> 0`, buckets).
		Scan(&cube).Error; err != nil {
		return nil, fmt.Errorf("report cells by codes: %w", err)
	}
	for _, r := range cube {
		t.cube = append(t.cube, cubeRow{Channel: r.Channel, Type: r.Type, Nature: r.Nature, Sign: r.Sign,
			Result: r.Result, Settlement: orKey(r.Settlement, Undetermined), Priority: r.Priority == 1, N: r.N, Signers: r.Signers})
	}
	var terms struct{ Overdue, Breaches int64 }
	if err := q.db.Raw(`SELECT
		COALESCE(SUM(CASE WHEN uncontrolled = 0 AND ((due <> '' AND due < ?) OR late = 1) THEN n ELSE 0 END), 0) AS overdue,
		COALESCE(SUM(CASE WHEN breach = 1 THEN n ELSE 0 END), 0) AS breaches
		FROM report_term_cells WHERE bucket IN ?`, q.today.Format(time.DateOnly), buckets).Scan(&terms).Error; err != nil {
		return nil, fmt.Errorf("report cells of terms: %w", err)
	}
	t.overdue, t.breaches = terms.Overdue, terms.Breaches
	var authors []struct {
		Gender, SocialStatus, Department, Categories string
		N                                            int64
	}
	if err := q.db.Raw(`SELECT gender, social_status, department, categories, SUM(n) AS n
		FROM report_author_cells WHERE bucket IN ?
		GROUP BY gender, social_status, department, categories HAVING SUM(n) <> 0`, buckets).
		Scan(&authors).Error; err != nil {
		return nil, fmt.Errorf("report cells by author: %w", err)
	}
	for _, r := range authors {
		t.authors = append(t.authors, group{Values: []string{r.Gender, r.SocialStatus, r.Department, r.Categories},
			Sums: []int64{r.N}})
	}
	if err := q.db.Raw(`SELECT CASE WHEN bare = 1 THEN NULL ELSE code END AS code, SUM(n) AS n
		FROM report_subject_cells WHERE bucket IN ? GROUP BY bare, code HAVING SUM(n) <> 0`, buckets).
		Scan(&t.subjects).Error; err != nil {
		return nil, fmt.Errorf("report cells by subject: %w", err)
	}
	return t, nil
}
