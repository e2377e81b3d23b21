package statistics

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/report"
)

// TestOneComputationPerPeriod: a storm of readers of one period runs the report once; a minute later it
// runs again; another period is its own computation.
func TestOneComputationPerPeriod(t *testing.T) {
	var runs atomic.Int32
	clock := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	s := &Service{cache: map[string]entry{}, slots: make(chan struct{}, computing),
		now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }}
	s.compute = func(ctx context.Context, from, to time.Time) (*report.Report, error) {
		runs.Add(1)
		time.Sleep(50 * time.Millisecond) // long enough for every reader to arrive while it runs
		r := &report.Report{}
		r.Period = report.Period{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)}
		return r, nil
	}
	from, to := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	storm := func() {
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Open(context.Background(), from, to); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	storm()
	storm()
	if n := runs.Load(); n != 1 {
		t.Fatalf("100 readers ran the report %d times, want once", n)
	}
	mu.Lock()
	clock = clock.Add(Fresh)
	mu.Unlock()
	storm()
	if n := runs.Load(); n != 2 {
		t.Errorf("after %v the report ran %d times in all, want 2", Fresh, n)
	}
	// A reader who gives up does not cancel the computation the others wait for.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Open(ctx, from, to.AddDate(0, 0, -1)); err == nil {
		t.Error("a cancelled reader got an answer")
	}
	if _, err := s.Open(context.Background(), from, to.AddDate(0, 0, -1)); err != nil || runs.Load() > 4 {
		t.Errorf("another period: %v, %d runs", err, runs.Load())
	}
}

// TestUnknownBreakdownsHidden: a breakdown the report gains later is hidden as a personal one until it
// is named in whole: a map of codes with its complement, a table's small cells; totals stay.
func TestUnknownBreakdownsHidden(t *testing.T) {
	doc := map[string]any{}
	raw := `{"appeals": 50, "by_gender": {}, "form1_by_settlement": {"rows": []},
		"by_age": {"18-30": 2, "31-60": 30, "61+": 18},
		"departments": [{"key": "12", "received": 3, "on_time": 2, "avg_days": 4.5}, {"key": "13", "received": 47, "on_time": 40}]}`
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	h := hide(doc)
	if h.Of("by_age", "18-30") != Small || h.Of("by_age", "61+") != Complementary || h.Of("by_age", "31-60") != "" {
		t.Errorf("by_age: %v", h.Dims["by_age"])
	}
	if h.Cell("departments", "12", "received") != Small || h.Cell("departments", "12", "on_time") != Small ||
		h.Cell("departments", "13", "received") != "" || h.Tables["departments"]["12"]["avg_days"] != "" {
		t.Errorf("departments: %v", h.Tables["departments"])
	}
	if _, ok := h.Dims["appeals"]; ok {
		t.Error("the total is hidden")
	}
	apply(doc, h)
	if doc["by_age"].(map[string]any)["18-30"] != nil || doc["departments"].([]any)[0].(map[string]any)["received"] != nil {
		t.Errorf("not blanked: %v", doc)
	}
}
