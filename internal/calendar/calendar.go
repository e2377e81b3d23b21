// Package calendar counts working days. Petition periods (moderation: 2 working days; consideration:
// 10 working days) are working days by law, so the portal needs to know which days are off. Public
// holidays are data (data/holidays.json), never code: art. 73 of the Labour Code has changed in 2015,
// 2017, 2022 and twice in 2023, and will change again. Under martial law (Law 2136-IX, art. 6) art. 73
// and the weekend carry-over of art. 67 do not apply, so only Saturdays and Sundays are off; the switch
// comes from configuration because the end of martial law is a decree, not a date we can know.
package calendar

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Holiday is one day off besides the weekly rest: a holiday, or the weekday a holiday that fell on a
// weekend moved the day off to (CarriedOver, named after the holiday it stands for).
type Holiday struct {
	Date        time.Time // midnight UTC, a calendar date
	NameUK      string
	NameEN      string
	CarriedOver bool
}

// rule is one entry of the data file. Exactly one of (Month, Day), EasterOffset and Date is set.
type rule struct {
	ID           string `json:"id"`
	UK           string `json:"uk"`
	EN           string `json:"en"`
	Month        int    `json:"month,omitempty"`
	Day          int    `json:"day,omitempty"`
	EasterOffset *int   `json:"easter_offset,omitempty"` // a pointer: 0 (Easter itself) is a value
	Date         string `json:"date,omitempty"`          // a one-off day off, YYYY-MM-DD
	FromYear     int    `json:"from_year,omitempty"`     // first year in force; 0: no bound
	ToYear       int    `json:"to_year,omitempty"`       // last year in force; 0: no bound
	Source       string `json:"source"`
	Verify       string `json:"verify,omitempty"` // what was not confirmed in the statute; kept for people, unused here

	date time.Time // Date parsed
}

// data is the whole file.
type data struct {
	Source           string `json:"source"`
	Note             string `json:"note"`
	CarryOverWeekend bool   `json:"carry_over_weekend"`
	Holidays         []rule `json:"holidays"`
}

//go:embed data/holidays.json
var raw []byte

// Calendar answers which days are working days. It is safe for concurrent use.
type Calendar struct {
	martialLaw bool
	carry      bool
	rules      []rule

	mu    sync.Mutex
	years map[int]*year // days off by year, built on first use
}

// year is the days off of one year besides weekends.
type year struct {
	list []Holiday
	off  map[time.Time]bool
}

// Load parses the embedded data; martialLaw switches holidays off (only Saturdays and Sundays rest).
// A broken data file is an error, so the program stops at start rather than miscount deadlines.
func Load(martialLaw bool) (*Calendar, error) {
	return parse(raw, martialLaw)
}

func parse(b []byte, martialLaw bool) (*Calendar, error) {
	var d data
	dec := json.NewDecoder(bytes.NewReader(b))
	// A misspelt key ("form_year") would silently make a holiday eternal: refuse unknown keys.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("calendar data: %w", err)
	}
	if d.Source == "" {
		return nil, fmt.Errorf("calendar data: no source")
	}
	if len(d.Holidays) == 0 {
		return nil, fmt.Errorf("calendar data: no holidays")
	}
	seen := map[string]bool{}
	for i := range d.Holidays {
		r := &d.Holidays[i]
		if r.ID == "" || seen[r.ID] {
			return nil, fmt.Errorf("calendar data: holiday %d has an empty or repeated id %q", i, r.ID)
		}
		seen[r.ID] = true
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("calendar data: holiday %s: %w", r.ID, err)
		}
	}
	return &Calendar{martialLaw: martialLaw, carry: d.CarryOverWeekend, rules: d.Holidays, years: map[int]*year{}}, nil
}

// check validates one entry and parses its date.
func (r *rule) check() error {
	if r.UK == "" || r.EN == "" || r.Source == "" {
		return fmt.Errorf("needs uk, en and source")
	}
	kinds := 0
	if r.Month != 0 || r.Day != 0 {
		kinds++
		// Checked against a leap year so that 29 February stays expressible.
		if r.Month < 1 || r.Month > 12 || r.Day < 1 || time.Date(2000, time.Month(r.Month), r.Day, 0, 0, 0, 0, time.UTC).Day() != r.Day {
			return fmt.Errorf("no such day: month %d, day %d", r.Month, r.Day)
		}
	}
	if r.EasterOffset != nil {
		kinds++
		// Keeps a movable day inside Easter's year; a larger offset is a typo.
		if *r.EasterOffset < -60 || *r.EasterOffset > 200 {
			return fmt.Errorf("easter_offset %d out of range", *r.EasterOffset)
		}
	}
	if r.Date != "" {
		kinds++
		t, err := time.Parse(time.DateOnly, r.Date)
		if err != nil {
			return fmt.Errorf("date: %w", err)
		}
		if r.FromYear != 0 || r.ToYear != 0 {
			return fmt.Errorf("a dated entry takes no from_year/to_year")
		}
		r.date = t
	}
	if kinds != 1 {
		return fmt.Errorf("needs exactly one of month/day, easter_offset, date")
	}
	if r.FromYear != 0 && r.ToYear != 0 && r.ToYear < r.FromYear {
		return fmt.Errorf("to_year %d before from_year %d", r.ToYear, r.FromYear)
	}
	return nil
}

// on returns the entry's date in year y, if it is in force then.
func (r *rule) on(y int) (time.Time, bool) {
	switch {
	case r.Date != "":
		return r.date, r.date.Year() == y
	case (r.FromYear != 0 && y < r.FromYear) || (r.ToYear != 0 && y > r.ToYear):
		return time.Time{}, false
	case r.EasterOffset != nil:
		return OrthodoxEaster(y).AddDate(0, 0, *r.EasterOffset), true
	default:
		return time.Date(y, time.Month(r.Month), r.Day, 0, 0, 0, 0, time.UTC), true
	}
}

// MartialLaw reports whether the calendar runs under martial law.
func (c *Calendar) MartialLaw() bool { return c.martialLaw }

// IsWorkingDay reports whether day is a working day; only its date in its own location counts.
func (c *Calendar) IsWorkingDay(day time.Time) bool {
	return c.working(dateOf(day))
}

// AddWorkingDays returns the date n working days after day (day itself does not count), at midnight
// UTC; n = 0 returns day's date. A negative n counts back: the date |n| working days before day.
func (c *Calendar) AddWorkingDays(day time.Time, n int) time.Time {
	d := dateOf(day)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if c.working(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after from up to and including to (0 when to <= from),
// dates taken in each value's own location.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	n := 0
	end := dateOf(to)
	for d := dateOf(from).AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
		if c.working(d) {
			n++
		}
	}
	return n
}

// Holidays returns the days off of the year besides weekly rest, sorted: the holidays in force (those
// falling on a weekend too) and the weekdays that carry them over. Empty under martial law.
func (c *Calendar) Holidays(y int) []Holiday {
	if c.martialLaw {
		return []Holiday{}
	}
	return append([]Holiday(nil), c.year(y).list...)
}

// working decides for a date at midnight UTC.
func (c *Calendar) working(d time.Time) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	if c.martialLaw {
		return true
	}
	return !c.year(d.Year()).off[d]
}

// year returns the days off of year y, building them once.
func (c *Calendar) year(y int) *year {
	c.mu.Lock()
	defer c.mu.Unlock()
	if yr, ok := c.years[y]; ok {
		return yr
	}
	yr := &year{off: map[time.Time]bool{}}
	// The previous year is built too: a holiday late in December may carry over into January.
	for _, h := range c.build(y-1, y) {
		if h.Date.Year() == y {
			yr.list = append(yr.list, h)
			yr.off[h.Date] = true
		}
	}
	c.years[y] = yr
	return yr
}

// build lists the holidays of the years from..to with their carry-overs, sorted by date.
func (c *Calendar) build(from, to int) []Holiday {
	byDate := map[time.Time]*Holiday{}
	for y := from; y <= to; y++ {
		for i := range c.rules {
			d, ok := c.rules[i].on(y)
			if !ok {
				continue
			}
			// Two holidays on one date make one day off (Easter on 1 May in 2016): names are joined in file order.
			if h := byDate[d]; h != nil {
				h.NameUK += "; " + c.rules[i].UK
				h.NameEN += "; " + c.rules[i].EN
				continue
			}
			byDate[d] = &Holiday{Date: d, NameUK: c.rules[i].UK, NameEN: c.rules[i].EN}
		}
	}
	list := make([]Holiday, 0, len(byDate)+4)
	for _, h := range byDate {
		list = append(list, *h)
	}
	sortHolidays(list)
	if !c.carry {
		return list
	}
	// Art. 67 part 3: a weekend day that coincides with a holiday moves to the next day that is neither
	// a weekend nor a holiday nor already a moved day off (1 May 2021 on Saturday went to Monday 3 May,
	// Easter 2 May 2021 to Tuesday 4 May).
	taken := map[time.Time]bool{}
	for d := range byDate {
		taken[d] = true
	}
	n := len(list)
	for _, h := range list[:n] {
		if wd := h.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
			continue
		}
		d := h.Date.AddDate(0, 0, 1)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || taken[d] {
			d = d.AddDate(0, 0, 1)
		}
		taken[d] = true
		list = append(list, Holiday{Date: d, NameUK: h.NameUK, NameEN: h.NameEN, CarriedOver: true})
	}
	sortHolidays(list)
	return list
}

func sortHolidays(l []Holiday) {
	sort.Slice(l, func(i, j int) bool {
		if !l[i].Date.Equal(l[j].Date) {
			return l[i].Date.Before(l[j].Date)
		}
		return !l[i].CarriedOver && l[j].CarriedOver
	})
}

// dateOf is the calendar date of t in its own location, as midnight UTC (so dates compare and key maps).
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// OrthodoxEaster returns the Orthodox Easter Sunday of year as a Gregorian date at midnight UTC: Meeus's
// Julian algorithm, then the Julian-to-Gregorian difference (13 days in 1900–2099, 14 in 2100–2199).
// Valid for Gregorian years, 1583 on.
func OrthodoxEaster(year int) time.Time {
	a, b, c := year%4, year%7, year%19
	d := (19*c + 15) % 30
	e := (2*a + 4*b - d + 34) % 7
	month := (d + e + 114) / 31
	day := (d+e+114)%31 + 1
	// Easter is after February, so the century's leap-day difference is already in force.
	shift := year/100 - year/400 - 2
	return time.Date(year, time.Month(month), day+shift, 0, 0, 0, 0, time.UTC)
}

// String shows a holiday for logs and test failures.
func (h Holiday) String() string {
	if h.CarriedOver {
		return fmt.Sprintf("%s %s (carried over)", h.Date.Format(time.DateOnly), h.NameEN)
	}
	return fmt.Sprintf("%s %s", h.Date.Format(time.DateOnly), h.NameEN)
}
