package statistics

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/report"
)

// Fresh is how long a period's statistics are served from memory before they are computed again: a
// storm of readers of one period runs the report once a minute per instance, and a registered appeal
// shows within a minute.
const Fresh = time.Minute

// kept is how many periods are kept at most; the oldest goes first.
const kept = 64

// computing is how many reports are computed at once: readers of different periods wait in turn
// instead of taking every connection and core (a quarter over a million appeals takes about a second).
const computing = 2

// Service serves the published statistics of one council.
type Service struct {
	compute func(ctx context.Context, from, to time.Time) (*report.Report, error)
	today   func() time.Time
	rule    i18n.Text
	now     func() time.Time

	mu      sync.Mutex
	cache   map[string]entry
	flights singleflight.Group
	slots   chan struct{}
}

type entry struct {
	open *Open
	at   time.Time
}

// NewService publishes the reports' figures with the suppression rule in words (shown in the JSON).
func NewService(reports *report.Service, rule i18n.Text) *Service {
	return &Service{compute: reports.Compute, today: reports.Today, rule: rule, now: time.Now, cache: map[string]entry{},
		slots: make(chan struct{}, computing)}
}

// Today is the council's date.
func (s *Service) Today() time.Time { return s.today() }

// Open gives the period's published statistics, computed at most once per Fresh: readers who ask
// while it is being computed wait for that one computation.
func (s *Service) Open(ctx context.Context, from, to time.Time) (*Open, error) {
	key := from.Format(time.DateOnly) + "/" + to.Format(time.DateOnly)
	if o := s.cached(key); o != nil {
		return o, nil
	}
	ch := s.flights.DoChan(key, func() (any, error) {
		if o := s.cached(key); o != nil {
			return o, nil
		}
		// The computation serves every reader waiting for it: one who leaves does not cancel it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		select {
		case s.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-s.slots }()
		r, err := s.compute(ctx, from, to)
		if err != nil {
			return nil, err
		}
		o, err := Publish(r, s.rule)
		if err != nil {
			return nil, err
		}
		s.keep(key, o)
		return o, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*Open), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Service) cached(key string) *Open {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.cache[key]; ok && s.now().Sub(e.at) < Fresh {
		return e.open
	}
	return nil
}

func (s *Service) keep(key string, o *Open) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, e := range s.cache {
		if now.Sub(e.at) >= Fresh {
			delete(s.cache, k)
		}
	}
	if len(s.cache) >= kept {
		oldest := ""
		for k, e := range s.cache {
			if oldest == "" || e.at.Before(s.cache[oldest].at) {
				oldest = k
			}
		}
		delete(s.cache, oldest)
	}
	s.cache[key] = entry{open: o, at: now}
}

// Longest is the longest period published at once: a year (366 days in a leap year). Longer spans are
// the sum of years anyone can add up, and each would cost a report over them.
const Longest = 366

// Earliest is the first year statistics are given for.
const Earliest = 2000

// Period reads a period of days from..to (YYYY-MM-DD or ДД.ММ.РРРР, both inclusive) and names what is
// wrong beside its field: a date that cannot be read, from after to, longer than a year, or outside
// Earliest to next year.
func Period(r *form.Reader, today time.Time) (from, to time.Time, problems errs.Validation) {
	problems = errs.Validation{}
	from, to = r.Date("from"), r.Date("to")
	for field, d := range map[string]time.Time{"from": from, "to": to} {
		if d.IsZero() && r.Problems()[field] == "" {
			problems.Add(field, "stats.error.date")
		}
	}
	for field, msg := range r.Problems() {
		if field == "from" || field == "to" {
			problems.Add(field, "stats.error.date")
		} else {
			problems.Add(field, msg)
		}
	}
	if len(problems) > 0 {
		return from, to, problems
	}
	switch {
	case from.Year() < Earliest || to.Year() > today.Year()+1:
		problems.Add("from", "stats.error.range")
	case to.Before(from):
		problems.Add("to", "stats.error.order")
	case to.Sub(from) >= Longest*24*time.Hour:
		problems.Add("to", "stats.error.long")
	}
	return from, to, problems
}

// LastQuarter is the last quarter that has ended by today: its first and last days.
func LastQuarter(today time.Time) (time.Time, time.Time) {
	start := time.Date(today.Year(), time.Month((int(today.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	from := start.AddDate(0, -3, 0)
	return from, start.AddDate(0, 0, -1)
}
