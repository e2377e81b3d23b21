package statistics

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/hromada/hromada/internal/report"
)

// BenchmarkHideTable: Form 1 by settlement of a large community (200 settlements, most counts small),
// the worst case of the complement's rounds (docs/BENCHMARKS.md).
func BenchmarkHideTable(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 2))
	t := table{}
	for i := range 200 {
		row := map[string]int64{}
		for _, col := range report.Columns {
			row[col] = int64(rnd.IntN(12))
		}
		t[strconv.Itoa(i)] = row
	}
	hidden := 0
	for b.Loop() {
		out := hideTable(t, rowSums, report.Columns)
		hidden = 0
		for _, cells := range out {
			hidden += len(cells)
		}
	}
	b.ReportMetric(float64(hidden), "hidden-cells")
}
