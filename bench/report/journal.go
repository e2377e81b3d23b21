package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/registry"
)

// benchJournal times the staff journal's pages on the generated registry (registry.JournalPage: the capped
// count, one page read by keyset and its questions), a deep page (the cursor of the appeal in the middle
// of the order) beside the same page read by OFFSET as the journal did before, and searches.
func benchJournal(ctx context.Context, gdb *gorm.DB, n, runs int) error {
	clf, err := classifier.Load()
	if err != nil {
		return err
	}
	reg := registry.NewService(gdb, clf, nil, registry.Options{Timezone: kyiv,
		// The registry's "today" within the generated two years, so overdue and due-soon select rows.
		Now: func() time.Time { return time.Date(2024, 12, 20, 12, 0, 0, 0, kyiv) }})
	var middle registry.Appeal
	if err := gdb.WithContext(ctx).Where("reg_seq = ?", n/2).Take(&middle).Error; err != nil {
		return fmt.Errorf("the middle appeal: %w", err)
	}
	deep := func(order string) string { return registry.JournalCursor(order, &middle) }
	cases := []struct {
		name string
		f    registry.Filter
	}{
		{"first page, newest first", registry.Filter{}},
		{fmt.Sprintf("deep page (row %d), newest first", n/2), registry.Filter{Cursor: deep(registry.SortReceivedDesc)}},
		{"first page, nearest term first", registry.Filter{Sort: registry.SortDueAsc}},
		{"deep page, nearest term first", registry.Filter{Sort: registry.SortDueAsc, Cursor: deep(registry.SortDueAsc)}},
		{"view: no resolution (10 %)", registry.Filter{Status: registry.StatusRegistered}},
		{"view: overdue, nearest term first", registry.Filter{Overdue: true, Sort: registry.SortDueAsc}},
		{"search: one index (б-500000)", registry.Filter{Query: fmt.Sprintf("б-%d", n/2)}},
		{"search: a word every appeal has", registry.Filter{Query: "ремонтом"}},
		{"search: a word no appeal has", registry.Filter{Query: "каналізація"}},
	}
	fmt.Printf("journal (%d runs each; page of %d, count capped at %d)\n", runs, registry.PageSize, registry.CountCap)
	for _, c := range cases {
		var p registry.JournalPage
		times, err := timed(runs, func() error {
			var err error
			p, err = reg.JournalPage(ctx, c.f)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		total := fmt.Sprint(p.Total)
		if p.More {
			total = "> " + total
		}
		fmt.Printf("  %-44s %3d rows, %8s found | first %s, median %s, best %s\n", c.name, len(p.Appeals), total,
			ms(times[0]), ms(median(times[1:])), ms(slices.Min(times[1:])))
	}
	// The same deep page as OFFSET reads it, for comparison: what the journal did before.
	times, err := timed(runs, func() error {
		var ids []int64
		return gdb.WithContext(ctx).Raw("SELECT id FROM appeals ORDER BY received_at DESC, id DESC LIMIT 51 OFFSET ?", n/2).
			Scan(&ids).Error
	})
	if err != nil {
		return err
	}
	fmt.Printf("  %-44s (ids only)            | first %s, median %s, best %s\n", "the deep page by OFFSET, as before",
		ms(times[0]), ms(median(times[1:])), ms(slices.Min(times[1:])))
	return nil
}
